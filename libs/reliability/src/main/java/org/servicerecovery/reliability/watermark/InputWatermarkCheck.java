package org.servicerecovery.reliability.watermark;

import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * {@code input-watermark}: a detail of readiness, always UP. A late watermark means intake (or a crm.events partition)
 * is behind, which this pod can neither cause nor cure: taking it out of service would not bring the watermark back,
 * and its REST API and its other timers work meanwhile. So it says {@code state: late}, and the alert
 * {@code InputWatermarkLate} on {@code input_watermark_lag_seconds} is what calls someone.
 */
@Readiness
@ApplicationScoped
public class InputWatermarkCheck implements HealthCheck {

    private final InputWatermarkMonitor monitor;

    public InputWatermarkCheck(InputWatermarkMonitor monitor) {
        this.monitor = monitor;
    }

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("input-watermark").up();
        if (!monitor.active()) {
            return response.withData("gated-timers", "none").build();
        }
        InputWatermarkMonitor.State state = monitor.state();
        return response.withData("topic", monitor.gate().topic())
                .withData("state", state.late() ? "late" : state.watermark().isPresent() ? "on-time" : "unknown")
                .withData("watermark", state.watermark().map(Instant::toString).orElse("unknown"))
                .withData("lag-seconds", Math.round(state.lagSeconds() * 10) / 10.0 + "")
                .withData("held-timers", state.heldTimers())
                .withData("late-after-seconds", monitor.gate().lateAfter().toSeconds())
                .withData("grace-ms", monitor.gate().grace().toMillis())
                .build();
    }
}
