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
        // The raw JSON goes in as text and is cast: bound straight to a jsonb parameter, the reactive client would
        // store the Java string as a JSON string scalar.
        StringBuilder sql = new StringBuilder(
                "INSERT INTO inbound_event (source, event_id, event_type, customer_id, channel, received_at, raw) VALUES ");
        for (int i = 0; i < events.size(); i++) {
            sql.append(i == 0 ? "" : ", ").append("(:s").append(i).append(", :i").append(i).append(", :t").append(i)
                    .append(", :c").append(i).append(", :channel, :now, CAST(CAST(:r").append(i).append(" AS text) AS jsonb))");
        }
        sql.append(" ON CONFLICT (source, event_id) DO NOTHING RETURNING source, event_id");
        return Panache.getSession().chain(session -> {
            var insert = session.createNativeQuery(sql.toString(), Object[].class)
                    .setParameter("channel", ingress.label())
                    .setParameter("now", now);
            for (int i = 0; i < events.size(); i++) {
                Verdict.Valid valid = events.get(i).valid();
                insert.setParameter("s" + i, valid.event().source())
                        .setParameter("i" + i, valid.event().id())
                        .setParameter("t" + i, valid.type().type())
                        .setParameter("c" + i, valid.data().customerId())
                        .setParameter("r" + i, valid.raw());
            }
            return insert.getResultList();
        }).chain(rows -> {
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
                        SELECT e.event_type, e.customer_id, e.channel, e.received_at, e.raw::text,
                               EXISTS (SELECT 1 FROM outbox o WHERE o.event_id = e.event_id AND o.topic = :topic)
                        FROM inbound_event e WHERE e.source = :source AND e.event_id = :id""", Object[].class)
                .setParameter("topic", Topic.INTAKE_EVENTS.topicName())
                .setParameter("source", source)
                .setParameter("id", id)
                .getResultList())
                .map(rows -> rows.stream().findFirst().map(row -> new StoredEvent(source, id, (String) row[0],
                        (String) row[1], (String) row[2], toOffsetDateTime(row[3]), (String) row[4], (Boolean) row[5])));
    }

    private static OffsetDateTime toOffsetDateTime(Object value) {
        if (value instanceof OffsetDateTime time) {
            return time;
        }
        if (value instanceof java.time.Instant instant) {
            return instant.atOffset(java.time.ZoneOffset.UTC);
        }
        return ((java.sql.Timestamp) value).toInstant().atOffset(java.time.ZoneOffset.UTC);
    }
}
