package org.servicerecovery.reliability.testapp;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.IntStream;

import jakarta.enterprise.context.ApplicationScoped;

import org.servicerecovery.events.CloudEvent;
import org.servicerecovery.events.Topic;
import org.servicerecovery.reliability.inbox.ProcessedEvents;
import org.servicerecovery.reliability.outbox.Outbox;
import org.servicerecovery.reliability.timers.Timers;
import org.servicerecovery.reliability.InOrder;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;

/** The business side of the test application: each method is one transaction, like a service's use case. */
@ApplicationScoped
public class Effects {

    public static final String CONSUMER = "reliability-testapp";
    public static final String SOURCE = "urn:service-recovery:reliability-testapp";
    static final String POISON_TYPE = "test.poison";

    private final Outbox outbox;
    private final Timers timers;
    private final ProcessedEvents processed;

    public Effects(Outbox outbox, Timers timers, ProcessedEvents processed) {
        this.outbox = outbox;
        this.timers = timers;
        this.processed = processed;
    }

    /** Applies a consumed event once: an effect row and an outbox event, or nothing for a redelivery. */
    @WithTransaction
    public Uni<Boolean> apply(CloudEvent event) {
        if (POISON_TYPE.equals(event.type())) {
            return Uni.createFrom().failure(new IllegalArgumentException("poison event " + event.id() + " refused"));
        }
        return processed.once(CONSUMER, event, () -> recordEffect("event_effect", "event_id", event.id())
                .chain(() -> outbox.publish(Topic.PROMISE_EVENTS, event("applied-" + event.id(), event.subject()))));
    }

    @WithTransaction
    public Uni<Void> schedule(String timerId, Instant dueAt, String payload) {
        return timers.schedule(timerId, EffectTimerHandler.KIND, "owner-" + timerId, dueAt, payload);
    }

    @WithTransaction
    public Uni<Boolean> cancel(String timerId) {
        return timers.cancel(timerId);
    }

    /** Publishes {@code count} events for one customer in one transaction, or none if {@code fail} rolls it back. */
    @WithTransaction
    public Uni<Void> publish(String customerId, String idPrefix, int count, boolean fail) {
        Uni<Void> chain = InOrder.forEach(IntStream.range(0, count).boxed().toList(),
                i -> outbox.publish(Topic.PROMISE_EVENTS, event(idPrefix + "-" + i, customerId)));
        return fail ? chain.chain(() -> Uni.createFrom().failure(new IllegalStateException("rolled back on purpose"))) : chain;
    }

    /** These events, in this order, in one transaction. */
    @WithTransaction
    public Uni<Void> publishAll(List<CloudEvent> events) {
        return outbox.publishAll(Topic.PROMISE_EVENTS, events);
    }

    Uni<Void> recordEffect(String table, String column, String id) {
        return Panache.getSession().chain(session -> session
                .createNativeQuery("INSERT INTO " + table + " (" + column + ") VALUES (:id)")
                .setParameter("id", id)
                .executeUpdate())
                .replaceWithVoid();
    }

    static CloudEvent event(String id, String customerId) {
        return CloudEvent.of(id, SOURCE, "test.effect", customerId, OffsetDateTime.now(ZoneOffset.UTC),
                JsonNodeFactory.instance.objectNode().put("effect", id));
    }
}
