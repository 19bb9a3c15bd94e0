package org.servicerecovery.helm;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The flags a HotSpot JVM ends up with: it reads JAVA_TOOL_OPTIONS before its command line, and of a flag given twice
 * the last one counts. `-Xmx` is MaxHeapSize. Selecting two garbage collectors stops the JVM at start ("Multiple
 * garbage collectors selected"), so those are kept as a list.
 */
record JvmFlags(Map<String, String> values, List<String> collectors) {

    private static final Set<String> COLLECTORS =
            Set.of("UseSerialGC", "UseParallelGC", "UseG1GC", "UseZGC", "UseShenandoahGC", "UseEpsilonGC");

    static JvmFlags of(String javaToolOptions, List<String> commandLine) {
        List<String> all = new ArrayList<>(Arrays.stream(javaToolOptions.trim().split("\\s+")).filter(s -> !s.isEmpty()).toList());
        all.addAll(commandLine);
        Map<String, String> values = new LinkedHashMap<>();
        for (String option : all) {
            if (option.startsWith("-XX:+") || option.startsWith("-XX:-")) {
                values.put(option.substring(5), String.valueOf(option.charAt(4) == '+'));
            } else if (option.startsWith("-XX:") && option.contains("=")) {
                values.put(option.substring(4, option.indexOf('=')), option.substring(option.indexOf('=') + 1));
            } else if (option.startsWith("-Xmx")) {
                values.put("MaxHeapSize", option.substring(4));
            }
        }
        List<String> collectors = values.entrySet().stream()
                .filter(e -> COLLECTORS.contains(e.getKey()) && "true".equals(e.getValue())).map(Map.Entry::getKey).toList();
        return new JvmFlags(Map.copyOf(values), collectors);
    }

    Optional<String> get(String flag) {
        return Optional.ofNullable(values.get(flag));
    }
}
