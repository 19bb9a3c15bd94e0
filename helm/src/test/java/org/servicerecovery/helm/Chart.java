package org.servicerecovery.helm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;

/** Renders the chart with the embedded Helm and gives the manifests back as maps, with small path helpers. */
final class Chart {

    static final Path DIR = Path.of(System.getProperty("chart.dir", "service-recovery")).toAbsolutePath();
    static final Path PRODUCTION_VALUES = DIR.resolveSibling("values-production.yaml");
    static final Path DOCS = Path.of(System.getProperty("docs.dir", "../docs")).toAbsolutePath();
    static final String RELEASE = "sr";
    static final String NAMESPACE = "recovery";

    /** The workloads: values key, Kubernetes name, port, whether they use PostgreSQL. */
    enum Workload {
        CONSOLE("console", "console", 8080, false),
        INTAKE("intake", "intake", 8081, true),
        PROMISE_TRACKING("promiseTracking", "promise-tracking", 8082, true),
        RECOVERY_ESCALATION("recoveryEscalation", "recovery-escalation", 8083, true),
        LOYALTY_SCORING("loyaltyScoring", "loyalty-scoring", 8084, true);

        final String key;
        final String component;
        final int port;
        final boolean database;

        Workload(String key, String component, int port, boolean database) {
            this.key = key;
            this.component = component;
            this.port = port;
            this.database = database;
        }

        String resourceName() {
            return RELEASE + "-service-recovery-" + component;
        }
    }

    private static final YAMLMapper YAML = new YAMLMapper();

    private Chart() {
    }

    static Helm helm() {
        return new Helm(DIR);
    }

    /** Renders with the default values, an optional values file and --set overrides. */
    static Manifests render(Path valuesFile, Map<String, Object> sets) {
        return render(valuesFile, sets, Map.of());
    }

    /** … and --set-file overrides (a value read from a file, e.g. a policy document). */
    static Manifests render(Path valuesFile, Map<String, Object> sets, Map<String, Path> setFiles) {
        TemplateCommand template = helm().template().withName(RELEASE).withNamespace(NAMESPACE);
        if (valuesFile != null) {
            template.withValuesFile(valuesFile);
        }
        sets.forEach(template::set);
        setFiles.forEach(template::setFile);
        return new Manifests(parse(template.call()));
    }

    static Manifests render(Map<String, Object> sets) {
        return render(null, sets);
    }

    static Manifests renderDefaults() {
        return render(null, Map.of());
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> parse(String yaml) {
        List<Map<String, Object>> documents = new ArrayList<>();
        try (MappingIterator<Map<String, Object>> it = YAML.readerFor(Map.class).readValues(yaml)) {
            while (it.hasNext()) {
                Map<String, Object> doc = it.next();
                if (doc != null && !doc.isEmpty()) {
                    documents.add(doc);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("The chart rendered invalid YAML:\n" + yaml, e);
        }
        return documents;
    }

    record Manifests(List<Map<String, Object>> all) {

        List<Map<String, Object>> ofKind(String kind) {
            return all.stream().filter(doc -> kind.equals(doc.get("kind"))).toList();
        }

        Optional<Map<String, Object>> find(String kind, String name) {
            return ofKind(kind).stream().filter(doc -> name.equals(at(doc, "metadata.name"))).findFirst();
        }

        Map<String, Object> get(String kind, String name) {
            return find(kind, name).orElseThrow(() -> new AssertionError("no " + kind + " " + name + " in " + names()));
        }

        List<String> names() {
            return all.stream().map(doc -> doc.get("kind") + "/" + at(doc, "metadata.name")).toList();
        }
    }

    /** Follows a dotted path through maps; a numeric segment indexes a list. */
    @SuppressWarnings("unchecked")
    static <T> T at(Object node, String path) {
        Object current = node;
        for (String segment : path.split("\\.")) {
            if (current instanceof Map<?, ?> map) {
                current = map.get(segment);
            } else if (current instanceof List<?> list && segment.matches("\\d+")) {
                current = list.get(Integer.parseInt(segment));
            } else {
                return null;
            }
        }
        return (T) current;
    }

    @SuppressWarnings("unchecked")
    /** The entry `key` (which may contain dots, like a label name) of the map at `path`. */
    static <T> T entry(Object node, String path, String key) {
        Map<String, Object> map = at(node, path);
        return map == null ? null : (T) map.get(key);
    }

    static Map<String, Object> container(Map<String, Object> deployment) {
        return at(deployment, "spec.template.spec.containers.0");
    }

    /** The container's env as name to entry (value or valueFrom). */
    @SuppressWarnings("unchecked")
    static Map<String, Map<String, Object>> env(Map<String, Object> deployment) {
        Map<String, Map<String, Object>> env = new LinkedHashMap<>();
        List<Map<String, Object>> entries = Objects.requireNonNullElse(at(container(deployment), "env"), List.of());
        entries.forEach(entry -> env.put((String) entry.get("name"), entry));
        return env;
    }
}
