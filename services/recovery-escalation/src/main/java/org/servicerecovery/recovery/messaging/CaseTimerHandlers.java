package org.servicerecovery.recovery.messaging;

import jakarta.inject.Singleton;

import org.servicerecovery.recovery.RecoveryMetrics;
import org.servicerecovery.recovery.application.RecoveryLifecycle;
import org.servicerecovery.recovery.domain.TimerOp;
import org.servicerecovery.reliability.timers.Timer;
import org.servicerecovery.reliability.timers.TimerHandler;

import io.smallrye.mutiny.Uni;

/**
 * The timers of a case: a scheduled step's start, warning, deadline, next escalation rung, each on processing time and
 * on event time ({@link TimerOp.Kind}): the event-time kinds await the input watermark. Each runs in the transaction
 * that deletes the timer, so its events are committed exactly once. Metrics are taken just before that commit, because the timer core
 * offers no after-commit hook; a rolled-back firing (rare, then retried) may be counted twice. Singletons: they share
 * a base class with constructor injection, which a client proxy could not subclass.
 */
final class CaseTimerHandlers {

    private CaseTimerHandlers() {
    }

    abstract static class Base implements TimerHandler {

        private final RecoveryLifecycle lifecycle;
        private final RecoveryMetrics metrics;
        private final TimerOp.Kind kind;

        Base(RecoveryLifecycle lifecycle, RecoveryMetrics metrics, TimerOp.Kind kind) {
            this.lifecycle = lifecycle;
            this.metrics = metrics;
            this.kind = kind;
        }

        @Override
        public String kind() {
            return kind.id();
        }

        @Override
        public boolean awaitsInputWatermark() {
            return kind.onEventTime();
        }

        @Override
        public Uni<Void> onFire(Timer timer) {
            return lifecycle.timerFired(kind, timer.ownerId(), timer.payload()).invoke(metrics::count).replaceWithVoid();
        }
    }

    @Singleton
    static class Start extends Base {
        Start(RecoveryLifecycle lifecycle, RecoveryMetrics metrics) {
            super(lifecycle, metrics, TimerOp.Kind.START);
        }
    }

    @Singleton
    static class Warn extends Base {
        Warn(RecoveryLifecycle lifecycle, RecoveryMetrics metrics) {
            super(lifecycle, metrics, TimerOp.Kind.WARN);
        }
    }

    @Singleton
    static class Due extends Base {
        Due(RecoveryLifecycle lifecycle, RecoveryMetrics metrics) {
            super(lifecycle, metrics, TimerOp.Kind.DUE);
        }
    }

    @Singleton
    static class Escalate extends Base {
        Escalate(RecoveryLifecycle lifecycle, RecoveryMetrics metrics) {
            super(lifecycle, metrics, TimerOp.Kind.ESCALATE);
        }
    }

    @Singleton
    static class StartOnEventTime extends Base {
        StartOnEventTime(RecoveryLifecycle lifecycle, RecoveryMetrics metrics) {
            super(lifecycle, metrics, TimerOp.Kind.START_ON_EVENT_TIME);
        }
    }

    @Singleton
    static class WarnOnEventTime extends Base {
        WarnOnEventTime(RecoveryLifecycle lifecycle, RecoveryMetrics metrics) {
            super(lifecycle, metrics, TimerOp.Kind.WARN_ON_EVENT_TIME);
        }
    }

    @Singleton
    static class DueOnEventTime extends Base {
        DueOnEventTime(RecoveryLifecycle lifecycle, RecoveryMetrics metrics) {
            super(lifecycle, metrics, TimerOp.Kind.DUE_ON_EVENT_TIME);
        }
    }

    @Singleton
    static class EscalateOnEventTime extends Base {
        EscalateOnEventTime(RecoveryLifecycle lifecycle, RecoveryMetrics metrics) {
            super(lifecycle, metrics, TimerOp.Kind.ESCALATE_ON_EVENT_TIME);
        }
    }
}
