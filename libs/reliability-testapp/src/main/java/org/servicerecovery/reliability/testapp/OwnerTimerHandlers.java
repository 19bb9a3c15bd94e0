package org.servicerecovery.reliability.testapp;

import jakarta.inject.Singleton;

import org.servicerecovery.reliability.timers.Timer;
import org.servicerecovery.reliability.timers.TimerHandler;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * Two kinds of timer on the same owners, like a promise's warning and deadline: each firing locks its owner's row
 * (counting the firing there) and writes an effect row. Several timers of a kind fired together lock their owners one
 * after the other in due order, as a service's handler may.
 */
final class OwnerTimerHandlers {

    static final String FIRST = "test.owner-first";
    static final String SECOND = "test.owner-second";

    private OwnerTimerHandlers() {
    }

    abstract static class Base implements TimerHandler {

        private final Effects effects;

        Base(Effects effects) {
            this.effects = effects;
        }

        @Override
        public Uni<Void> onFire(Timer timer) {
            return Panache.getSession().chain(session -> session
                            .createNativeQuery("UPDATE owner_firing SET firings = firings + 1 WHERE id = :owner")
                            .setParameter("owner", timer.ownerId())
                            .executeUpdate())
                    .chain(() -> effects.recordEffect("timer_effect", "timer_id", timer.id()));
        }
    }

    @Singleton
    static class First extends Base {
        First(Effects effects) {
            super(effects);
        }

        @Override
        public String kind() {
            return FIRST;
        }
    }

    @Singleton
    static class Second extends Base {
        Second(Effects effects) {
            super(effects);
        }

        @Override
        public String kind() {
            return SECOND;
        }
    }
}
