package org.servicerecovery.helm;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the chart gives each workload's pod, read from a rendering: the container's environment (values and references
 * to Secret or ConfigMap keys), the files mounted from Secrets and ConfigMaps, the memory limit, and the image's JVM
 * options. For a test that starts the packaged services exactly as Kubernetes would (deploy/e2e); this module ships its
 * test classes as a test-jar for that.
 */
public final class ChartPods {

    /** A reference to one key of a Secret or ConfigMap. */
    public record KeyRef(String kind, String name, String key) {
    }

    /** One environment variable: a literal value, or a reference. */
    public record EnvVar(String name, String value, KeyRef from) {
    }

    /** Keys of a Secret or ConfigMap mounted as files under {@code path}: file name to key. */
    public record Mount(String path, String kind, String name, Map<String, String> files) {
    }

    /**
     * One workload's container as rendered, plus the rendered ConfigMaps it may mount or refer to; {@code serviceUrl} is
     * where the other workloads reach it (its Kubernetes Service).
     */
    public record Pod(String component, String serviceUrl, List<EnvVar> env, List<Mount> mounts, long memoryLimitBytes,
            Map<String, Map<String, String>> configMaps, List<String> imageJvmOptions) {
    }

    /** values-production.yaml beside the chart. */
    public static final Path PRODUCTION_VALUES = Chart.PRODUCTION_VALUES;

    private ChartPods() {
    }

    /**
     * The pods of a rendering with {@code valuesFile}, {@code sets} (--set) and {@code setFiles} (--set-file), by
     * component (intake, console, …).
     */
    public static Map<String, Pod> render(Path valuesFile, Map<String, Object> sets, Map<String, Path> setFiles) {
        Chart.Manifests manifests = Chart.render(valuesFile, sets, setFiles);
        Map<String, Map<String, String>> configMaps = new LinkedHashMap<>();
        manifests.ofKind("ConfigMap").forEach(map -> configMaps.put(Chart.at(map, "metadata.name"),
                Objects.requireNonNullElse(Chart.at(map, "data"), Map.of())));
        List<String> jvmOptions = ImageJvm.fromBuild().jvmOptions();
        Map<String, Pod> pods = new LinkedHashMap<>();
        for (Chart.Workload workload : Chart.Workload.values()) {
            manifests.find("Deployment", workload.resourceName()).ifPresent(deployment -> pods.put(workload.component,
                    new Pod(workload.component, "http://" + workload.resourceName() + ":" + workload.port,
                            env(deployment), mounts(deployment),
                            bytes(Chart.at(Chart.container(deployment), "resources.limits.memory")),
                            Map.copyOf(configMaps), jvmOptions)));
        }
        return pods;
    }

    private static List<EnvVar> env(Map<String, Object> deployment) {
        List<EnvVar> env = new ArrayList<>();
        Chart.env(deployment).forEach((name, entry) -> {
            if (entry.containsKey("value")) {
                env.add(new EnvVar(name, String.valueOf(entry.get("value")), null));
            } else if (Chart.at(entry, "valueFrom.secretKeyRef") != null) {
                env.add(new EnvVar(name, null, new KeyRef("Secret", Chart.at(entry, "valueFrom.secretKeyRef.name"),
                        Chart.at(entry, "valueFrom.secretKeyRef.key"))));
            } else if (Chart.at(entry, "valueFrom.configMapKeyRef") != null) {
                env.add(new EnvVar(name, null, new KeyRef("ConfigMap", Chart.at(entry, "valueFrom.configMapKeyRef.name"),
                        Chart.at(entry, "valueFrom.configMapKeyRef.key"))));
            } else {
                throw new AssertionError(name + ": an environment entry this test cannot resolve: " + entry);
            }
        });
        List<Map<String, Object>> envFrom = Chart.at(Chart.container(deployment), "envFrom");
        if (envFrom != null && !envFrom.isEmpty()) {
            throw new AssertionError("envFrom sources are not resolved here: " + envFrom);
        }
        return List.copyOf(env);
    }

    private static List<Mount> mounts(Map<String, Object> deployment) {
        List<Map<String, Object>> volumes = Chart.at(deployment, "spec.template.spec.volumes");
        List<Map<String, Object>> mounts = Objects.requireNonNullElse(
                Chart.at(Chart.container(deployment), "volumeMounts"), List.of());
        List<Mount> result = new ArrayList<>();
        for (Map<String, Object> mount : mounts) {
            Map<String, Object> volume = volumes.stream().filter(v -> mount.get("name").equals(v.get("name"))).findFirst()
                    .orElseThrow(() -> new AssertionError("no volume " + mount.get("name")));
            String path = (String) mount.get("mountPath");
            if (volume.containsKey("secret")) {
                result.add(new Mount(path, "Secret", Chart.at(volume, "secret.secretName"), files(Chart.at(volume, "secret.items"))));
            } else if (volume.containsKey("configMap")) {
                result.add(new Mount(path, "ConfigMap", Chart.at(volume, "configMap.name"), files(Chart.at(volume, "configMap.items"))));
            } else if (volume.containsKey("emptyDir")) {
                result.add(new Mount(path, "emptyDir", mount.get("name").toString(), Map.of()));
            } else {
                throw new AssertionError("a volume this test cannot provide: " + volume);
            }
        }
        return List.copyOf(result);
    }

    /** A volume's items as file name to key; without items, Kubernetes mounts every key under its own name. */
    private static Map<String, String> files(List<Map<String, Object>> items) {
        if (items == null) {
            return Map.of();
        }
        Map<String, String> files = new LinkedHashMap<>();
        items.forEach(item -> files.put(String.valueOf(item.get("path")), String.valueOf(item.get("key"))));
        return files;
    }

    /** A Kubernetes memory quantity in bytes. */
    static long bytes(Object quantity) {
        String q = String.valueOf(quantity);
        for (var unit : Map.of("Ki", 1L << 10, "Mi", 1L << 20, "Gi", 1L << 30, "k", 1_000L, "M", 1_000_000L, "G", 1_000_000_000L).entrySet()) {
            if (q.endsWith(unit.getKey())) {
                return Long.parseLong(q.substring(0, q.length() - unit.getKey().length())) * unit.getValue();
            }
        }
        return Long.parseLong(q);
    }
}
