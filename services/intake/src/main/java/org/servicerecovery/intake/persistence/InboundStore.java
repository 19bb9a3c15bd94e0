package org.servicerecovery.intake.persistence;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import org.servicerecovery.events.CloudEvent;
import org.servicerecovery.events.Topic;
import org.servicerecovery.intake.domain.Ingress;
import org.servicerecovery.intake.domain.Normaliser;
import org.servicerecovery.intake.domain.Verdict;
import org.servicerecovery.reliability.outbox.Outbox;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;

/**
 * Stores accepted events and publishes their normalised form, in one transaction per batch: the raw rows go in with
 * one multi-row insert that skips keys already taken ({@code ON CONFLICT DO NOTHING}), and exactly the rows that went
 * in are published with one multi-row outbox insert. A duplicate, also one inside the same batch, is never published
 * twice, and a concurrent redelivery waits on the first one's key and then finds it taken.
 */
@ApplicationScoped
public class InboundStore {

    /** One accepted event with what it needs to be published. */
    public record Accepted(Verdict.Valid valid, String transportTraceparent) {
    }

    /** An event's de-duplication key. */
    public record Key(String source, String id) {
    }

    private final Outbox outbox;

    public InboundStore(Outbox outbox) {
        this.outbox = outbox;
    }

    /** The keys that were new (and are now stored and published); the others were duplicates. At least one event. */
    @WithTransaction
    public Uni<Set<Key>> accept(List<Accepted> events, Ingress ingress, OffsetDateTime now) {
        int size = events.size();
        String[] sources = new String[size];
        String[] ids = new String[size];
        String[] types = new String[size];
        String[] customers = new String[size];
        String[] raws = new String[size];
        for (int i = 0; i < size; i++) {
            Verdict.Valid valid = events.get(i).valid();
            sources[i] = valid.event().source();
            ids[i] = valid.event().id();
            types[i] = valid.type().type();
            customers[i] = valid.data().customerId();
            raws[i] = valid.raw();
        }
        // Arrays rather than a VALUES list: one statement text for every batch size, so it is parsed and planned once.
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                        INSERT INTO inbound_event (source, event_id, event_type, customer_id, channel, received_at, raw_text)
                        SELECT s, i, t, c, :channel, :now, r
                        FROM unnest(CAST(:sources AS text[]), CAST(:ids AS text[]), CAST(:types AS text[]),
                                    CAST(:customers AS text[]), CAST(:raws AS text[])) AS e(s, i, t, c, r)
                        ON CONFLICT (source, event_id) DO NOTHING
                        RETURNING source, event_id""", Object[].class)
                .setParameter("channel", ingress.label())
                .setParameter("now", now)
                .setParameter("sources", sources)
                .setParameter("ids", ids)
                .setParameter("types", types)
                .setParameter("customers", customers)
                .setParameter("raws", raws)
                .getResultList())
                .chain(rows -> {
                    Set<Key> inserted = new HashSet<>();
                    rows.forEach(row -> inserted.add(new Key((String) row[0], (String) row[1])));
                    // Batch order, first occurrence only: that keeps each customer's events in the order they arrived.
                    Set<Key> published = new HashSet<>();
                    List<CloudEvent> normalised = new ArrayList<>();
                    for (Accepted accepted : events) {
                        Key key = new Key(accepted.valid().event().source(), accepted.valid().event().id());
                        if (inserted.contains(key) && published.add(key)) {
                            normalised.add(Normaliser.normalise(accepted.valid(), accepted.transportTraceparent(), now));
                        }
                    }
                    return outbox.publishAll(Topic.INTAKE_EVENTS, normalised).replaceWith(Set.copyOf(inserted));
                });
    }

    /** The stored event, and whether its normalised form still waits in the outbox. */
    @WithSession
    public Uni<Optional<StoredEvent>> find(String source, String id) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                        SELECT e.event_type, e.customer_id, e.channel, e.received_at, coalesce(e.raw_text, e.raw::text),
                               EXISTS (SELECT 1 FROM outbox o WHERE o.event_id = e.event_id AND o.topic = :topic)
                        FROM inbound_event e WHERE e.source = :source AND e.event_id = :id""", Object[].class)
                .setParameter("topic", Topic.INTAKE_EVENTS.topicName())
                .setParameter("source", source)
                .setParameter("id", id)
                .getResultList())
                .map(rows -> rows.stream().findFirst().map(row -> new StoredEvent(source, id, (String) row[0],
                        (String) row[1], (String) row[2], (OffsetDateTime) row[3], (String) row[4], (Boolean) row[5])));
    }
}
