package org.servicerecovery.helm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.servicerecovery.helm.Chart.at;
import static org.servicerecovery.helm.Chart.container;
import static org.servicerecovery.helm.Chart.env;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.servicerecovery.helm.Chart.Manifests;
import org.servicerecovery.helm.Chart.Workload;

/**
 * The JVM flags each pod really runs with: the chart's JAVA_TOOL_OPTIONS, then the image's command line as the build
 * configures it (services/pom.xml, profile images). The heap and the processor count must be the chart's, derived
 * from each workload's resources, and the memory limit must leave room for what is not heap.
 */
class PodJvmTest {

    /**
     * Room the limit must leave beside the heap: metaspace, code cache, thread stacks, direct buffers and GC
     * structures. Measured at -Xmx256m: 333–358 MiB RSS in normal operation, up to 551 MiB at the bench's peaks
     * (docs/performance.md), i.e. up to ~300 MiB that is not heap.
     */
    private static final long NON_HEAP_BYTES = 320L << 20;

    private static final ImageJvm IMAGE = ImageJvm.fromBuild();

    @Test
    void theImagesStartJavaWithNoHeapProcessorOrGcFlagOfTheirOwn() {
        assertTrue(IMAGE.baseImage().startsWith("registry.access.redhat.com/ubi9/openjdk-17-runtime:"), IMAGE.baseImage());
        assertEquals(List.of("-Djava.util.logging.manager=org.jboss.logmanager.LogManager"), IMAGE.jvmOptions());
        ImageJvm.serviceApplicationProperties().forEach((file, text) ->
                assertFalse(text.contains("quarkus.jib."), file + " must leave the image settings to services/pom.xml"));
    }

    @Test
    void withoutTheEntrypointTheBaseImagesScriptWouldOverrideTheChart() {
        Map<String, String> properties = new LinkedHashMap<>(ImageJvm.imagesProfileProperties());
        properties.remove("quarkus.jib.jvm-entrypoint");
        ImageJvm runJava = ImageJvm.of(properties);
        String chart = jvmOf(Chart.renderDefaults(), Workload.INTAKE);
        JvmFlags flags = JvmFlags.of(chart, runJava.jvmOptions());
        assertEquals("80.0", flags.get("MaxRAMPercentage").orElseThrow(), "run-java.sh's heap share wins over the chart's");
        assertEquals(List.of("UseSerialGC", "UseParallelGC"), flags.collectors(), "and two collectors stop the JVM");
    }

    @Test
    void everyPodRunsWithTheChartsHeapShareAndProcessorCount() throws IOException {
        Map<String, Manifests> renders = new LinkedHashMap<>();
        renders.put("defaults", Chart.renderDefaults());
        renders.put("values-production.yaml", Chart.render(Chart.PRODUCTION_VALUES, Map.of()));
        renders.put("a CPU limit and a fractional request", Chart.render(Map.of(
                "workloads.intake.resources.limits.cpu", "1500m",
                "workloads.loyaltyScoring.resources.requests.cpu", "2.5",
                "jvm.maxRAMPercentage", "40")));
        for (var render : renders.entrySet()) {
            for (Map<String, Object> deployment : render.getValue().ofKind("Deployment")) {
                String name = render.getKey() + ": " + at(deployment, "metadata.name");
                Map<String, Object> resources = at(container(deployment), "resources");
                JvmFlags flags = JvmFlags.of(jvmOf(deployment), IMAGE.jvmOptions());
                double share = Double.parseDouble(flags.get("MaxRAMPercentage").orElseThrow());
                assertTrue(flags.get("MaxHeapSize").isEmpty(), name + ": no -Xmx anywhere, the heap is a share of the limit");
                assertEquals(String.valueOf(processors(resources)), flags.get("ActiveProcessorCount").orElseThrow(), name);
                assertEquals(List.of("UseSerialGC"), flags.collectors(), name);
                assertEquals("true", flags.get("ExitOnOutOfMemoryError").orElseThrow(), name);
                long limit = ChartPods.bytes(at(resources, "limits.memory"));
                long heap = (long) (limit * share / 100);
                assertTrue(limit - heap >= NON_HEAP_BYTES, name + ": limit " + (limit >> 20) + " MiB, heap "
                        + (heap >> 20) + " MiB leaves less than " + (NON_HEAP_BYTES >> 20) + " MiB for what is not heap");
            }
        }
        assertEquals(Double.parseDouble(String.valueOf(chartValues().get("maxRAMPercentage"))),
                Double.parseDouble(JvmFlags.of(jvmOf(renders.get("defaults"), Workload.INTAKE), IMAGE.jvmOptions())
                        .get("MaxRAMPercentage").orElseThrow()));
        assertEquals("2", JvmFlags.of(jvmOf(renders.get("a CPU limit and a fractional request"), Workload.INTAKE), List.of())
                .get("ActiveProcessorCount").orElseThrow(), "1500m limit: 2 processors");
        assertEquals("3", JvmFlags.of(jvmOf(renders.get("a CPU limit and a fractional request"), Workload.LOYALTY_SCORING), List.of())
                .get("ActiveProcessorCount").orElseThrow(), "2.5 request, no limit: 3 processors");
        assertEquals("1", JvmFlags.of(jvmOf(renders.get("defaults"), Workload.INTAKE), List.of())
                .get("ActiveProcessorCount").orElseThrow(), "200m request, no limit: 1 processor");
    }

    @Test
    void optionsThatWouldOverrideTheHeapOrProcessorsAreRefused() {
        for (String option : List.of("-Xmx512m", "-XX:MaxRAMPercentage=75", "-XX:ActiveProcessorCount=4")) {
            Exception e = assertThrows(Exception.class, () -> Chart.render(Map.of("jvm.options", option + " -XX:+UseSerialGC")));
            assertTrue(e.getMessage().contains("jvm.options may not set the heap or the processor count"), e.getMessage());
        }
        Exception share = assertThrows(Exception.class, () -> Chart.render(Map.of("jvm.maxRAMPercentage", "95")));
        assertTrue(share.getMessage().contains("maxRAMPercentage"), share.getMessage());
    }

    private static String jvmOf(Manifests manifests, Workload w) {
        return jvmOf(manifests.get("Deployment", w.resourceName()));
    }

    private static String jvmOf(Map<String, Object> deployment) {
        return at(env(deployment).get("JAVA_TOOL_OPTIONS"), "value");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> chartValues() throws IOException {
        Map<String, Object> values = new YAMLMapper().readValue(Chart.DIR.resolve("values.yaml").toFile(), Map.class);
        return (Map<String, Object>) values.get("jvm");
    }

    /** The CPU limit, or without one the request, rounded up to whole processors. */
    private static long processors(Map<String, Object> resources) {
        Object cpu = at(resources, "limits.cpu") != null ? at(resources, "limits.cpu") : at(resources, "requests.cpu");
        String quantity = String.valueOf(cpu);
        BigDecimal cores = quantity.endsWith("m")
                ? new BigDecimal(quantity.substring(0, quantity.length() - 1)).movePointLeft(3)
                : new BigDecimal(quantity);
        return Math.max(1, cores.setScale(0, RoundingMode.CEILING).longValueExact());
    }
}
