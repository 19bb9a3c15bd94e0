package org.servicerecovery.promises.persistence;

import jakarta.enterprise.context.ApplicationScoped;

import org.servicerecovery.promises.domain.TimerPlan;
import org.servicerecovery.reliability.timers.Timers;

import io.smallrye.mutiny.Uni;

/**
 * A promise's two durable timers. Their ids are derived from the promise id, so arming again moves them instead of
 * adding more; the timer's owner is the promise id, which is all a handler needs.
 */
@ApplicationScoped
public class PromiseTimers {

    public static final String DUE = "promise.due";
    public static final String AT_RISK = "promise.at-risk";

    private final Timers timers;

    public PromiseTimers(Timers timers) {
        this.timers = timers;
    }

    public Uni<Void> apply(String promiseId, TimerPlan plan) {
        if (plan instanceof TimerPlan.Arm arm) {
            Uni<Void> warning = arm.atRiskAt() == null
                    ? timers.cancel(id(promiseId, AT_RISK)).replaceWithVoid()
                    : timers.schedule(id(promiseId, AT_RISK), AT_RISK, promiseId, arm.atRiskAt(), null);
            return warning.chain(() -> timers.schedule(id(promiseId, DUE), DUE, promiseId, arm.dueAt(), null));
        }
        if (plan instanceof TimerPlan.CancelAll) {
            return timers.cancel(id(promiseId, AT_RISK)).chain(() -> timers.cancel(id(promiseId, DUE))).replaceWithVoid();
        }
        return Uni.createFrom().voidItem();
    }

    static String id(String promiseId, String kind) {
        return kind + ":" + promiseId;
    }
}
