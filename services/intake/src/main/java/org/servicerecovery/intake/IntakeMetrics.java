package org.servicerecovery.intake;

import java.util.Arrays;
import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.servicerecovery.events.EventType;
import org.servicerecovery.intake.domain.Ingress;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;

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

    /**
     * Every series a CRM event can count in exists from the start, at zero: an increase()-based alert only sees a
     * counter's first increment if the series existed before it.
     */
    void registerAtZero(@Observes StartupEvent startup) {
        for (Outcome outcome : Outcome.values()) {
            for (Ingress ingress : Ingress.values()) {
                counter(outcome, null, ingress);
                Arrays.stream(EventType.values()).filter(EventType::inbound).forEach(type -> counter(outcome, type, ingress));
            }
        }
    }

    public void count(Outcome outcome, EventType type, Ingress ingress) {
        counter(outcome, type, ingress).increment();
    }

    private Counter counter(Outcome outcome, EventType type, Ingress ingress) {
        return Counter.builder("intake.events").description("inbound CRM events by outcome, type and channel")
                .tag("outcome", outcome.name().toLowerCase(Locale.ROOT))
                .tag("type", type == null ? "unknown" : type.type())
                .tag("channel", ingress.label())
                .register(registry);
    }
}
