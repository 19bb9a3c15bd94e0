package org.servicerecovery.reliability.inbox;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import org.servicerecovery.events.CloudEvent;
import org.servicerecovery.reliability.InTransaction;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;

/**
 * The idempotent-consumer records: (consumer, event source, event id), inserted in the same transaction as the
 * consumer's effect. Insert-and-see rather than check-then-insert: a concurrent redelivery waits on the first one's
 * key and then finds it taken. Must be called inside {@code @WithTransaction}.
 */
@ApplicationScoped
public class ProcessedEvents {

    private record Key(String source, String id) implements Comparable<Key> {
        @Override
        public int compareTo(Key other) {
            int bySource = source.compareTo(other.source);
            return bySource != 0 ? bySource : id.compareTo(other.id);
        }
    }

    private final MeterRegistry registry;

    public ProcessedEvents(MeterRegistry registry) {
        this.registry = registry;
    }

    /** The consumer's duplicates counter, registered at zero so that the first duplicate is an increase too. */
    public Counter duplicates(String consumer) {
        return registry.counter("consumer.duplicates", "consumer", consumer);
    }

    /**
     * For each event, in order: true the first time this consumer sees it; false (and counted) for a redelivery,
     * including a second copy in the same list. One statement for the whole list.
     */
    public Uni<List<Boolean>> firstDeliveries(String consumer, List<CloudEvent> events) {
        // Sorted, so two transactions inserting the same keys take their index locks in the same order.
        TreeSet<Key> keys = new TreeSet<>();
        events.forEach(event -> keys.add(new Key(event.source(), event.id())));
        String[] sources = keys.stream().map(Key::source).toArray(String[]::new);
        String[] ids = keys.stream().map(Key::id).toArray(String[]::new);
        return InTransaction.session("ProcessedEvents").chain(session -> session.createNativeQuery("""
                        INSERT INTO processed_event (consumer, source, event_id)
                        SELECT :consumer, s, i FROM unnest(CAST(:sources AS text[]), CAST(:ids AS text[])) AS k(s, i)
                        ON CONFLICT DO NOTHING
                        RETURNING source, event_id""", Object[].class)
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
                            duplicates(consumer).increment();
                        }
                        first.add(isFirst);
                    }
                    return first;
                });
    }

    /**
     * Runs {@code effect} only on the first delivery of {@code event} to {@code consumer}; the caller's transaction
     * commits both or neither.
     */
    public Uni<Boolean> once(String consumer, CloudEvent event, Supplier<Uni<Void>> effect) {
        return firstDeliveries(consumer, List.of(event)).map(first -> first.get(0))
                .chain(first -> first ? effect.get().replaceWith(true) : Uni.createFrom().item(false));
    }
}
