package org.servicerecovery.reliability.testapp;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import org.servicerecovery.events.Topic;
import org.servicerecovery.reliability.outbox.Outbox;
import org.servicerecovery.reliability.timers.Timer;
import org.servicerecovery.reliability.timers.TimerHandler;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * Writes an effect row and an outbox event per firing. Payload {@code fail-always} makes it throw every time,
 * {@code fail-twice} on its first two attempts, {@code serialization-failure-once} has PostgreSQL raise a
 * serialization failure (40001) the first time this process fires the timer.
 */
@ApplicationScoped
public class EffectTimerHandler implements TimerHandler {

    static final String KIND = "test.effect";

    private final Effects effects;
    private final Outbox outbox;
    private final Set<String> serializationFailed = ConcurrentHashMap.newKeySet();

    public EffectTimerHandler(Effects effects, Outbox outbox) {
        this.effects = effects;
        this.outbox = outbox;
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public Uni<Void> onFire(Timer timer) {
        if ("fail-always".equals(timer.payload()) || ("fail-twice".equals(timer.payload()) && timer.attempts() < 2)) {
            return Uni.createFrom().failure(new IllegalStateException("handler failure on purpose"));
        }
        if ("serialization-failure-once".equals(timer.payload()) && serializationFailed.add(timer.id())) {
            return Panache.getSession().chain(session -> session.createNativeQuery(
                            "DO $$ BEGIN RAISE EXCEPTION 'serialization failure on purpose' USING ERRCODE = '40001'; END $$")
                    .executeUpdate())
                    .replaceWithVoid();
        }
        return effects.recordEffect("timer_effect", "timer_id", timer.id())
                .chain(() -> outbox.publish(Topic.PROMISE_EVENTS, Effects.event("fired-" + timer.id(), timer.ownerId())));
    }
}
