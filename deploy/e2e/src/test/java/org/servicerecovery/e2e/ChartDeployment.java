package org.servicerecovery.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipFile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import org.servicerecovery.helm.ChartPods;
import org.servicerecovery.localinfra.DevTokens;
import org.servicerecovery.testing.SecuredServers;

/**
 * The Helm chart rendered with helm/values-production.yaml, each Deployment's container run as local processes with
 * exactly its environment and mounted files, on production's kind of infrastructure: {@link SecuredServers}' SASL_SSL
 * Kafka and TLS PostgreSQL ({@code verify-full}), and a {@link LoopbackIdentityProvider} for the JWKS and the console's
 * OpenID Connect. What stands in for the cluster:
 * <ul>
 * <li>hosts the values name (Kafka bootstrap, the PostgreSQL Service, the identity provider, the other workloads'
 * Services) are mapped onto the loopback servers wherever they appear in a value;</li>
 * <li>each pod's mount paths become folders of a temporary directory, filled from the Secrets this class makes (as
 * Strimzi, CloudNativePG and an OIDC client registration would) and the ConfigMaps the chart renders;</li>
 * <li>the pod's network: {@code QUARKUS_HTTP_HOST=127.0.0.1} and a free port; its memory limit: {@code -XX:MaxRAM}.</li>
 * </ul>
 * Every variable the chart sets must be one the service reads ({@link #unreadVariables}).
 */
final class ChartDeployment {

    /** The KafkaUser of values-production.yaml's SASL secret. */
    static final String KAFKA_USER = "service-recovery";
    private static final YAMLMapper YAML = new YAMLMapper();
    private static final Pattern REFERENCE = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)");
    /** The extension that reads the Quarkus settings the chart sets, by variable prefix (the longest first). */
    private static final Map<String, String> QUARKUS_EXTENSIONS = orderedByLength(Map.of(
            "QUARKUS_PROFILE", "quarkus-core",
            "QUARKUS_DATASOURCE_REACTIVE_", "quarkus-reactive-datasource",
            "QUARKUS_OTEL_", "quarkus-opentelemetry",
            "QUARKUS_OIDC_", "quarkus-oidc"));

    private final Map<String, ChartPods.Pod> pods;
    private final Map<String, String> hosts;
    private final Map<String, Map<String, String>> secrets;
    private final Path root;

    private ChartDeployment(Map<String, ChartPods.Pod> pods, Map<String, String> hosts,
            Map<String, Map<String, String>> secrets, Path root) {
        this.pods = pods;
        this.hosts = hosts;
        this.secrets = secrets;
        this.root = root;
    }

    /**
     * Renders values-production.yaml with {@code sets} and {@code setFiles} on top, for {@code servers} and
     * {@code idp}; {@code services} gives the loopback URL that stands for a workload's Service (by component).
     */
    static ChartDeployment render(Map<String, Object> sets, Map<String, Path> setFiles, SecuredServers servers,
            LoopbackIdentityProvider idp, Map<String, String> services) {
        try {
            JsonNode values = YAML.readTree(ChartPods.PRODUCTION_VALUES.toFile());
            Map<String, ChartPods.Pod> pods = ChartPods.render(ChartPods.PRODUCTION_VALUES, sets, setFiles);
            Map<String, String> hosts = new LinkedHashMap<>();
            services.forEach((component, url) -> hosts.put(pods.get(component).serviceUrl(), url));
            hosts.put(values.at("/kafka/bootstrapServers").asText(), servers.kafkaBootstrapServers());
            // verify-full checks the name: the server's certificate is for localhost (and the loopback addresses)
            hosts.put(values.at("/postgresql/host").asText() + ":5432",
                    "localhost:" + URI.create(servers.reactiveUrl()).getPort());
            hosts.put(origin(values.at("/auth/publicKeyLocation").asText()), idp.baseUrl());
            hosts.put(origin(values.at("/workloads/console/oidc/authServerUrl").asText()), idp.baseUrl());
            String ca = Files.readString(servers.caCertificatePem());
            Map<String, Map<String, String>> secrets = Map.of(
                    "service-recovery", Map.of("sasl.jaas.config", servers.kafkaClientSettings(KAFKA_USER,
                            servers.password(KAFKA_USER)).get("sasl.jaas.config")),
                    "events-cluster-ca-cert", Map.of("ca.crt", ca),
                    "sr-db-ca", Map.of("ca.crt", ca),
                    "sr-db-app", Map.of("username", servers.databaseUser(), "password", servers.databasePassword()),
                    "service-recovery-console-oidc", Map.of("client-secret", UUID.randomUUID().toString()));
            return new ChartDeployment(pods, hosts, secrets, Files.createTempDirectory("chart-pods-"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The issuer and audience of the test JVM's tokens, as the realm's would be. */
    static Map<String, Object> testTokenRealm() {
        return Map.of("auth.issuer", DevTokens.ISSUER, "auth.audience", DevTokens.AUDIENCE);
    }

    /** One replica of {@code component}: its environment, listening on 127.0.0.1:{@code port}, files written. */
    Map<String, String> environment(String component, String replica, int port) {
        ChartPods.Pod pod = pod(component);
        Path podDir = root.resolve(component + "-" + replica);
        Map<String, Path> mounts = new LinkedHashMap<>();
        pod.mounts().forEach(mount -> mounts.put(mount.path(), mount(pod, mount, podDir)));
        Map<String, String> env = new LinkedHashMap<>();
        for (ChartPods.EnvVar variable : pod.env()) {
            String value = variable.from() == null ? variable.value() : resolve(pod, variable.from());
            env.put(variable.name(), onLoopback(value, mounts));
        }
        env.put("QUARKUS_HTTP_HOST", "127.0.0.1");
        env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
        return env;
    }

    /** The image's JVM options and the pod's memory limit; the chart's own flags come in JAVA_TOOL_OPTIONS. */
    List<String> jvmOptions(String component) {
        ChartPods.Pod pod = pod(component);
        List<String> options = new ArrayList<>(pod.imageJvmOptions());
        options.add("-XX:MaxRAM=" + pod.memoryLimitBytes());
        return options;
    }

    /**
     * The variables the chart gives {@code component} that its packaged application never reads: a name no
     * configuration file of its jars refers to ({@code ${NAME}}), a Quarkus setting ({@code QUARKUS_*}) whose extension
     * the application lacks (Quarkus maps such a variable only onto a setting it knows, silently), or one this test
     * cannot place. Kafka client settings ({@code KAFKA_*}) go to every Kafka client; {@code JAVA_TOOL_OPTIONS} to the JVM.
     */
    Set<String> unreadVariables(String component, Path quarkusApp) {
        Set<String> read = referencedVariables(quarkusApp);
        Set<String> unread = new TreeSet<>();
        for (ChartPods.EnvVar variable : pod(component).env()) {
            String name = variable.name();
            if (name.startsWith("KAFKA_") || name.equals("JAVA_TOOL_OPTIONS") || read.contains(name)) {
                continue;
            }
            if (name.startsWith("QUARKUS_")) {
                String extension = QUARKUS_EXTENSIONS.entrySet().stream().filter(e -> name.startsWith(e.getKey()))
                        .map(Map.Entry::getValue).findFirst().orElse(null);
                if (extension != null && hasJar(quarkusApp, "io.quarkus." + extension + "-")) {
                    continue;
                }
                unread.add(name + (extension == null ? " (which extension reads it? add it to QUARKUS_EXTENSIONS)"
                        : " (needs " + extension + ")"));
            } else {
                unread.add(name);
            }
        }
        return unread;
    }

    private static boolean hasJar(Path quarkusApp, String prefix) {
        try (Stream<Path> jars = Files.list(quarkusApp.resolve("lib/main"))) {
            return jars.anyMatch(jar -> jar.getFileName().toString().startsWith(prefix));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Lines where Quarkus reports a setting it does not know (it ignores them), from a service's log. */
    static List<String> unrecognisedSettings(Path log) {
        try (Stream<String> lines = Files.lines(log)) {
            return lines.filter(line -> line.contains("Unrecognized configuration key")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private ChartPods.Pod pod(String component) {
        ChartPods.Pod pod = pods.get(component);
        if (pod == null) {
            throw new AssertionError("the chart renders no Deployment for " + component + "; it has " + pods.keySet());
        }
        return pod;
    }

    private Path mount(ChartPods.Pod pod, ChartPods.Mount mount, Path podDir) {
        Path dir = podDir.resolve(mount.path().substring(1));
        try {
            Files.createDirectories(dir);
            Map<String, String> files = mount.files();
            if (files.isEmpty() && !mount.kind().equals("emptyDir")) {
                files = new LinkedHashMap<>();
                for (String key : source(pod, mount.kind(), mount.name()).keySet()) {
                    files.put(key, key);
                }
            }
            for (var file : files.entrySet()) {
                Files.writeString(dir.resolve(file.getKey()), resolve(pod, new ChartPods.KeyRef(mount.kind(), mount.name(),
                        file.getValue())), StandardCharsets.UTF_8);
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String resolve(ChartPods.Pod pod, ChartPods.KeyRef ref) {
        String value = source(pod, ref.kind(), ref.name()).get(ref.key());
        if (value == null) {
            throw new AssertionError(pod.component() + " needs key " + ref.key() + " of " + ref.kind() + " " + ref.name()
                    + ", which has " + source(pod, ref.kind(), ref.name()).keySet());
        }
        return value;
    }

    private Map<String, String> source(ChartPods.Pod pod, String kind, String name) {
        Map<String, String> source = switch (kind) {
            case "Secret" -> secrets.get(name);
            case "ConfigMap" -> pod.configMaps().get(name);
            default -> throw new AssertionError("cannot read keys of a " + kind);
        };
        if (source == null) {
            throw new AssertionError(pod.component() + " refers to " + kind + " " + name + ", which the deployment does not have");
        }
        return source;
    }

    /**
     * Hosts and mount paths mapped in one pass (a mapped path is never mapped again), the longest first, so that a
     * path inside another mount maps to its own folder.
     */
    private String onLoopback(String value, Map<String, Path> mounts) {
        Map<String, String> replacements = new LinkedHashMap<>(hosts);
        mounts.forEach((path, dir) -> replacements.put(path + "/", dir + "/"));
        Pattern any = Pattern.compile(replacements.keySet().stream().sorted(Comparator.comparingInt(String::length).reversed())
                .map(Pattern::quote).collect(Collectors.joining("|")));
        return any.matcher(value).replaceAll(match -> Matcher.quoteReplacement(replacements.get(match.group())));
    }

    private static Map<String, String> orderedByLength(Map<String, String> map) {
        Map<String, String> ordered = new LinkedHashMap<>();
        map.keySet().stream().sorted(Comparator.comparingInt(String::length).reversed())
                .forEach(key -> ordered.put(key, map.get(key)));
        return ordered;
    }

    /** scheme://host[:port] of a URL. */
    private static String origin(String url) {
        URI uri = URI.create(url);
        return uri.getScheme() + "://" + uri.getRawAuthority();
    }

    /** Every ${NAME} in the configuration files of the application's own jars (ours, not third-party ones). */
    private static Set<String> referencedVariables(Path quarkusApp) {
        Set<String> names = new TreeSet<>();
        try (Stream<Path> app = Files.list(quarkusApp.resolve("app")); Stream<Path> libs = Files.list(quarkusApp.resolve("lib/main"))) {
            List<Path> jars = Stream.concat(app, libs.filter(jar -> jar.getFileName().toString().startsWith("org.servicerecovery.")))
                    .filter(jar -> jar.toString().endsWith(".jar")).toList();
            for (Path jar : jars) {
                try (ZipFile zip = new ZipFile(jar.toFile())) {
                    for (String entry : List.of("application.properties", "META-INF/microprofile-config.properties")) {
                        var found = zip.getEntry(entry);
                        if (found != null) {
                            Matcher m = REFERENCE.matcher(new String(zip.getInputStream(found).readAllBytes(), StandardCharsets.UTF_8));
                            while (m.find()) {
                                names.add(m.group(1));
                            }
                        }
                    }
                }
            }
            return names;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
