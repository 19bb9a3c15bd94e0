package org.servicerecovery.intake;

import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;

import org.servicerecovery.events.EventType;
import org.servicerecovery.intake.domain.Ingress;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * {@code intake_events_total{outcome, type, channel}}: accepted, duplicate and rejected events per type and door
 * (kafka, rest). A rejected event of no known type counts as type "unknown", so a CRM sending garbage cannot grow the
 * number of series.
 */
@ApplicationScoped
public class IntakeMetrics {

    public enum Outcome {
        ACCEPTED, DUPLICATE, REJECTED
    }

    private final MeterRegistry registry;

    public IntakeMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public void count(Outcome outcome, EventType type, Ingress ingress) {
        Counter.builder("intake.events").description("inbound CRM events by outcome, type and channel")
                .tag("outcome", outcome.name().toLowerCase(Locale.ROOT))
                .tag("type", type == null ? "unknown" : type.type())
                .tag("channel", ingress.label())
                .register(registry).increment();
    }
}
