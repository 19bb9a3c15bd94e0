package org.servicerecovery.reliability.inbox;

import jakarta.enterprise.context.ApplicationScoped;

import org.servicerecovery.events.CloudEvent;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * The idempotent-consumer record: (consumer, event source, event id), inserted in the same transaction as the
 * consumer's effect. Insert-and-see rather than check-then-insert: a concurrent redelivery waits on the first one's
 * key and then finds it taken. Must be called inside {@code @WithTransaction}.
 */
@ApplicationScoped
public class ProcessedEvents {

    private final MeterRegistry registry;

    public ProcessedEvents(MeterRegistry registry) {
        this.registry = registry;
    }

    /** True the first time this consumer sees the event; false (and counted) for every redelivery. */
    public Uni<Boolean> firstDelivery(String consumer, CloudEvent event) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                        INSERT INTO processed_event (consumer, source, event_id) VALUES (:consumer, :source, :id)
                        ON CONFLICT DO NOTHING""")
                .setParameter("consumer", consumer)
                .setParameter("source", event.source())
                .setParameter("id", event.id())
                .executeUpdate())
                .map(inserted -> {
                    if (inserted == 0) {
                        registry.counter("consumer.duplicates", "consumer", consumer).increment();
                    }
                    return inserted == 1;
                });
    }

    /**
     * Runs {@code effect} only on the first delivery of {@code event} to {@code consumer}; the caller's transaction
     * commits both or neither.
     */
    public Uni<Boolean> once(String consumer, CloudEvent event, java.util.function.Supplier<Uni<Void>> effect) {
        return firstDelivery(consumer, event)
                .chain(first -> first ? effect.get().replaceWith(true) : Uni.createFrom().item(false));
    }
}
