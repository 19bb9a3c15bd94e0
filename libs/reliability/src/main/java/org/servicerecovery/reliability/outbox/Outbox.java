package org.servicerecovery.reliability.outbox;

import java.nio.charset.StandardCharsets;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.servicerecovery.events.CloudEvent;
import org.servicerecovery.events.CloudEvents;
import org.servicerecovery.events.Topic;
import org.servicerecovery.reliability.InTransaction;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Where business code puts the events its state change causes. The row is written in the caller's transaction, so the
 * event exists if and only if the change committed; {@link OutboxRelay} takes it to Kafka afterwards.
 * Must be called inside {@code @WithTransaction}.
 */
@ApplicationScoped
public class Outbox {

    /**
     * {@link #publishAll}'s statement, for Hibernate's and the reactive client's placeholders alike. unnest returns the
     * rows in array order, so the identity column (the relay's order) follows the list.
     */
    private static final String INSERT_IN_ORDER = """
            INSERT INTO outbox (event_id, topic, message_key, event_type, payload)
            SELECT i, %s, k, t, p
            FROM unnest(CAST(%s AS text[]), CAST(%s AS text[]), CAST(%s AS text[]), CAST(%s AS text[])) AS e(i, k, t, p)""";

    public Uni<Void> publish(Topic topic, CloudEvent event) {
        requireSubject(event);
        String payload = new String(CloudEvents.toStructuredJson(event), StandardCharsets.UTF_8);
        return InTransaction.session("Outbox").chain(session -> session.createNativeQuery("""
                        INSERT INTO outbox (event_id, topic, message_key, event_type, payload)
                        VALUES (:eventId, :topic, :key, :type, :payload)""")
                .setParameter("eventId", event.id())
                .setParameter("topic", topic.topicName())
                .setParameter("key", event.subject())
                .setParameter("type", event.type())
                .setParameter("payload", payload)
                .executeUpdate())
                .replaceWithVoid();
    }

    /**
     * Publishes each event to the partition of the same index ({@code events.get(p)} to partition {@code p}) rather
     * than to its key's: a record that must reach every partition, such as intake's watermark. One multi-row insert.
     */
    public Uni<Void> publishToPartitions(Topic topic, List<CloudEvent> events) {
        int size = events.size();
        Integer[] partitions = new Integer[size];
        String[] ids = new String[size];
        String[] keys = new String[size];
        String[] types = new String[size];
        String[] payloads = new String[size];
        for (int i = 0; i < size; i++) {
            CloudEvent event = events.get(i);
            requireSubject(event);
            partitions[i] = i;
            ids[i] = event.id();
            keys[i] = event.subject();
            types[i] = event.type();
            payloads[i] = new String(CloudEvents.toStructuredJson(event), StandardCharsets.UTF_8);
        }
        return InTransaction.session("Outbox").chain(session -> session.createNativeQuery("""
                        INSERT INTO outbox (event_id, topic, kafka_partition, message_key, event_type, payload)
                        SELECT i, :topic, n, k, t, p
                        FROM unnest(CAST(:partitions AS int[]), CAST(:ids AS text[]), CAST(:keys AS text[]),
                                    CAST(:types AS text[]), CAST(:payloads AS text[])) AS e(n, i, k, t, p)""")
                .setParameter("topic", topic.topicName())
                .setParameter("partitions", partitions)
                .setParameter("ids", ids)
                .setParameter("keys", keys)
                .setParameter("types", types)
                .setParameter("payloads", payloads)
                .executeUpdate())
                .replaceWithVoid();
    }

    /**
     * Publishes the events, in this order, with one multi-row insert: a consumer taking hundreds of events per
     * transaction would otherwise pay one database round trip per event. The rows travel as arrays, so the statement
     * text is the same for every batch size and is parsed and planned once.
     */
    public Uni<Void> publishAll(Topic topic, List<CloudEvent> events) {
        if (events.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        Rows rows = Rows.of(events);
        return InTransaction.session("Outbox").chain(session -> session.createNativeQuery(
                        INSERT_IN_ORDER.formatted(":topic", ":ids", ":keys", ":types", ":payloads"))
                .setParameter("topic", topic.topicName())
                .setParameter("ids", rows.ids())
                .setParameter("keys", rows.keys())
                .setParameter("types", rows.types())
                .setParameter("payloads", rows.payloads())
                .executeUpdate())
                .replaceWithVoid();
    }

    /**
     * {@link #publishAll(Topic, List)} in {@code transaction}, a reactive client's connection in a transaction of its
     * own: for work that runs several transactions at once, outside Hibernate's one session per context.
     */
    public Uni<Void> publishAll(SqlConnection transaction, Topic topic, List<CloudEvent> events) {
        if (events.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        Rows rows = Rows.of(events);
        return transaction.preparedQuery(INSERT_IN_ORDER.formatted("$1", "$2", "$3", "$4", "$5"))
                .execute(Tuple.of(topic.topicName(), rows.ids(), rows.keys(), rows.types(), rows.payloads()))
                .replaceWithVoid();
    }

    /** The events as the insert's columns. */
    private record Rows(String[] ids, String[] keys, String[] types, String[] payloads) {

        static Rows of(List<CloudEvent> events) {
            int size = events.size();
            Rows rows = new Rows(new String[size], new String[size], new String[size], new String[size]);
            for (int i = 0; i < size; i++) {
                CloudEvent event = events.get(i);
                requireSubject(event);
                rows.ids[i] = event.id();
                rows.keys[i] = event.subject();
                rows.types[i] = event.type();
                rows.payloads[i] = new String(CloudEvents.toStructuredJson(event), StandardCharsets.UTF_8);
            }
            return rows;
        }
    }

    private static void requireSubject(CloudEvent event) {
        if (event.subject() == null || event.subject().isBlank()) {
            throw new IllegalArgumentException("event " + event.id() + " has no subject: the customer id is its Kafka key");
        }
    }
}
