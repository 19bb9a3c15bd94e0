package org.servicerecovery.console.gateway;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;

/**
 * Where the four services answer (the Helm chart sets {@code INTAKE_URL}, {@code PROMISE_TRACKING_URL},
 * {@code RECOVERY_ESCALATION_URL}, {@code LOYALTY_SCORING_URL}) and how long the console waits for them.
 */
@ConfigMapping(prefix = "console.backends")
public interface Backends {

    String intake();

    String promiseTracking();

    String recoveryEscalation();

    String loyaltyScoring();

    /** Connecting to a service that is up takes milliseconds; waiting longer only delays the 502. */
    Duration connectTimeout();

    /** Longest wait for a whole answer before the browser gets a 504. */
    Duration requestTimeout();
}
