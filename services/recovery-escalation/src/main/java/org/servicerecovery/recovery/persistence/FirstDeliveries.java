package org.servicerecovery.recovery.persistence;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import jakarta.enterprise.context.ApplicationScoped;

import org.servicerecovery.events.CloudEvent;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * The idempotent-consumer records (table processed_event, as the reliability library's {@code ProcessedEvents} writes
 * them) of a whole batch with one statement, in the caller's transaction. Insert-and-see: a concurrent redelivery
 * waits on the first one's key and then finds it taken.
 */
@ApplicationScoped
public class FirstDeliveries {

    private record Key(String source, String id) implements Comparable<Key> {
        @Override
        public int compareTo(Key other) {
            int bySource = source.compareTo(other.source);
            return bySource != 0 ? bySource : id.compareTo(other.id);
        }
    }

    private final MeterRegistry registry;

    public FirstDeliveries(MeterRegistry registry) {
        this.registry = registry;
    }

    /**
     * For each event, in order: true the first time this consumer sees it; false (and counted) for a redelivery,
     * including a second copy in the same list.
     */
    public Uni<List<Boolean>> of(String consumer, List<CloudEvent> events) {
        // Sorted, so two transactions inserting the same keys take their index locks in the same order.
        TreeSet<Key> keys = new TreeSet<>();
        events.forEach(event -> keys.add(new Key(event.source(), event.id())));
        String[] sources = keys.stream().map(Key::source).toArray(String[]::new);
        String[] ids = keys.stream().map(Key::id).toArray(String[]::new);
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                        WITH inserted AS (
                            INSERT INTO processed_event (consumer, source, event_id)
                            SELECT :consumer, s, i FROM unnest(CAST(:sources AS text[]), CAST(:ids AS text[])) AS k(s, i)
                            ON CONFLICT DO NOTHING
                            RETURNING source, event_id)
                        SELECT source, event_id FROM inserted""", Object[].class)
                .setParameter("consumer", consumer)
                .setParameter("sources", sources)
                .setParameter("ids", ids)
                .getResultList())
                .map(rows -> {
                    Set<Key> fresh = new HashSet<>();
                    rows.forEach(row -> fresh.add(new Key((String) row[0], (String) row[1])));
                    List<Boolean> first = new ArrayList<>(events.size());
                    for (CloudEvent event : events) {
                        boolean isFirst = fresh.remove(new Key(event.source(), event.id()));
                        if (!isFirst) {
                            registry.counter("consumer.duplicates", "consumer", consumer).increment();
                        }
                        first.add(isFirst);
                    }
                    return first;
                });
    }
}
