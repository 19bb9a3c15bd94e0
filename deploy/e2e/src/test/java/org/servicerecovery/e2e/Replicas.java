package org.servicerecovery.e2e;

import java.util.Optional;

/**
 * How many replicas of each data service the end-to-end and chaos tests start: system property {@value #PROPERTY},
 * else environment variable {@code REPLICAS}, else two, as the Helm chart runs them. Replicas of a service share its
 * database schema and consumer group; each has its own HTTP port and log.
 */
public final class Replicas {

    public static final String PROPERTY = "e2e.replicas";
    private static final int DEFAULT = 2;

    private Replicas() {
    }

    public static int count() {
        String value = Optional.ofNullable(System.getProperty(PROPERTY)).filter(v -> !v.isBlank())
                .orElseGet(() -> Optional.ofNullable(System.getenv("REPLICAS")).filter(v -> !v.isBlank())
                        .orElse(Integer.toString(DEFAULT)));
        int replicas = Integer.parseInt(value.trim());
        if (replicas < 1) {
            throw new IllegalArgumentException(PROPERTY + "/REPLICAS must be at least 1, was " + value);
        }
        return replicas;
    }
}
