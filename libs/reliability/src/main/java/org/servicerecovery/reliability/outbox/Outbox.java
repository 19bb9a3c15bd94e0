package org.servicerecovery.reliability.outbox;

import java.nio.charset.StandardCharsets;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.servicerecovery.events.CloudEvent;
import org.servicerecovery.events.CloudEvents;
import org.servicerecovery.events.Topic;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * Where business code puts the events its state change causes. The row is written in the caller's transaction, so the
 * event exists if and only if the change committed; {@link OutboxRelay} takes it to Kafka afterwards.
 * Must be called inside {@code @WithTransaction}.
 */
@ApplicationScoped
public class Outbox {

    public Uni<Void> publish(Topic topic, CloudEvent event) {
        requireSubject(event);
        String payload = new String(CloudEvents.toStructuredJson(event), StandardCharsets.UTF_8);
        return Panache.getSession().chain(session -> session.createNativeQuery("""
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
     * Publishes the events in this order with one multi-row insert: a consumer taking hundreds of events per
     * transaction would otherwise pay one database round trip per event.
     */
    public Uni<Void> publishAll(Topic topic, List<CloudEvent> events) {
        if (events.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        events.forEach(Outbox::requireSubject);
        StringBuilder sql = new StringBuilder("INSERT INTO outbox (event_id, topic, message_key, event_type, payload) VALUES ");
        for (int i = 0; i < events.size(); i++) {
            sql.append(i == 0 ? "" : ", ").append("(:id").append(i).append(", :topic, :key").append(i)
                    .append(", :type").append(i).append(", :payload").append(i).append(')');
        }
        return Panache.getSession().chain(session -> {
            var query = session.createNativeQuery(sql.toString()).setParameter("topic", topic.topicName());
            for (int i = 0; i < events.size(); i++) {
                CloudEvent event = events.get(i);
                query.setParameter("id" + i, event.id())
                        .setParameter("key" + i, event.subject())
                        .setParameter("type" + i, event.type())
                        .setParameter("payload" + i, new String(CloudEvents.toStructuredJson(event), StandardCharsets.UTF_8));
            }
            return query.executeUpdate();
        }).replaceWithVoid();
    }

    private static void requireSubject(CloudEvent event) {
        if (event.subject() == null || event.subject().isBlank()) {
            throw new IllegalArgumentException("event " + event.id() + " has no subject: the customer id is its Kafka key");
        }
    }
}
