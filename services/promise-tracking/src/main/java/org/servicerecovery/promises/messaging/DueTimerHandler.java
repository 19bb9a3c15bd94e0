package org.servicerecovery.promises.messaging;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.servicerecovery.events.domain.PromiseMissed;
import org.servicerecovery.promises.PromiseMetrics;
import org.servicerecovery.promises.application.PromiseLifecycle;
import org.servicerecovery.promises.persistence.PromiseTimers;
import org.servicerecovery.reliability.timers.Timer;
import org.servicerecovery.reliability.timers.TimerHandler;

import io.smallrye.mutiny.Uni;

/**
 * The deadline of a promise: if it is still pending, it is missed. Runs in the transaction that deletes the timer, so
 * promise.missed is committed exactly once. The metrics are taken here, just before that commit, because the timer
 * core offers no after-commit hook; a rolled-back firing (rare, then retried) may be counted twice.
 */
@ApplicationScoped
public class DueTimerHandler implements TimerHandler {

    private final PromiseLifecycle lifecycle;
    private final PromiseMetrics metrics;

    public DueTimerHandler(PromiseLifecycle lifecycle, PromiseMetrics metrics) {
        this.lifecycle = lifecycle;
        this.metrics = metrics;
    }

    @Override
    public String kind() {
        return PromiseTimers.DUE;
    }

    /** It decides that nothing was done before the due time: only once every event sent before it has been read. */
    @Override
    public boolean awaitsInputWatermark() {
        return true;
    }

    @Override
    public Uni<Void> onFire(Timer timer) {
        return onFireAll(List.of(timer));
    }

    /** A burst of deadlines is decided in a few statements for all of them, not several round trips each. */
    @Override
    public Uni<Void> onFireAll(List<Timer> timers) {
        return lifecycle.dueReached(timers.stream().map(Timer::ownerId).toList())
                .invoke(events -> {
                    metrics.count(events);
                    events.stream().filter(PromiseMissed.class::isInstance).map(PromiseMissed.class::cast)
                            .forEach(metrics::missDetected);
                })
                .replaceWithVoid();
    }
}
