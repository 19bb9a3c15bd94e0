package org.servicerecovery.reliability.outbox;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * {@code outbox-relay}: DOWN while rows wait in the outbox and none has moved for {@code reliability.outbox.stall-after},
 * UP again as soon as one moves. A broker outage longer than that makes every replica NotReady until the broker is
 * back, as the Kafka check does; no probe restarts a pod for it, since a restart would not bring the broker back.
 */
@Readiness
@ApplicationScoped
public class OutboxRelayCheck implements HealthCheck {

    private final OutboxProgress progress;

    public OutboxRelayCheck(OutboxProgress progress) {
        this.progress = progress;
    }

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("outbox-relay").withData("enabled", progress.enabled());
        if (!progress.enabled()) {
            return response.up().build();
        }
        long idle = progress.secondsSinceProgress();
        return response.status(idle < progress.stallAfter().toSeconds())
                .withData("backlog", progress.backlog())
                .withData("oldest-age-seconds", progress.oldestAgeSeconds())
                .withData("seconds-since-progress", idle)
                .withData("stall-after-seconds", progress.stallAfter().toSeconds())
                .withData("parked", progress.parkedRows())
                .build();
    }
}
