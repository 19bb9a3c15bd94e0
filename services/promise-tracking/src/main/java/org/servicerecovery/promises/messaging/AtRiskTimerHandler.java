package org.servicerecovery.promises.messaging;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.servicerecovery.promises.application.PromiseLifecycle;
import org.servicerecovery.promises.persistence.PromiseTimers;
import org.servicerecovery.reliability.timers.Timer;
import org.servicerecovery.reliability.timers.TimerHandler;

import io.smallrye.mutiny.Uni;

/** The warning before a deadline: promise.at-risk, if the promise is still pending. */
@ApplicationScoped
public class AtRiskTimerHandler implements TimerHandler {

    private final PromiseLifecycle lifecycle;

    public AtRiskTimerHandler(PromiseLifecycle lifecycle) {
        this.lifecycle = lifecycle;
    }

    @Override
    public String kind() {
        return PromiseTimers.AT_RISK;
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

    @Override
    public Uni<Void> onFireAll(List<Timer> timers) {
        return lifecycle.atRiskReached(timers.stream().map(Timer::ownerId).toList()).replaceWithVoid();
    }
}
