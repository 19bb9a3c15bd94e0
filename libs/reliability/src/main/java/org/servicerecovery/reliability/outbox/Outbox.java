package org.servicerecovery.reliability.outbox;

import java.nio.charset.StandardCharsets;

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
        if (event.subject() == null || event.subject().isBlank()) {
            throw new IllegalArgumentException("event " + event.id() + " has no subject: the customer id is its Kafka key");
        }
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
}
