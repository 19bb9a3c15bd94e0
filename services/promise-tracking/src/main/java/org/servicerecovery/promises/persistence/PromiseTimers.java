package org.servicerecovery.promises.persistence;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

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

    /**
     * The plans of many promises (promise id, plan), in their order, with at most two statements: where a timer is
     * planned more than once, as when a batch holds two events of one promise, the last plan is the one that holds.
     */
    public Uni<Void> applyAll(List<Map.Entry<String, TimerPlan>> plans) {
        Map<String, Timers.Schedule> scheduled = new LinkedHashMap<>();
        Set<String> cancelled = new LinkedHashSet<>();
        for (Map.Entry<String, TimerPlan> planned : plans) {
            String promiseId = planned.getKey();
            if (planned.getValue() instanceof TimerPlan.Arm arm) {
                if (arm.atRiskAt() == null) {
                    cancel(id(promiseId, AT_RISK), scheduled, cancelled);
                } else {
                    schedule(promiseId, AT_RISK, arm.atRiskAt(), scheduled, cancelled);
                }
                schedule(promiseId, DUE, arm.dueAt(), scheduled, cancelled);
            } else if (planned.getValue() instanceof TimerPlan.CancelAll) {
                cancel(id(promiseId, AT_RISK), scheduled, cancelled);
                cancel(id(promiseId, DUE), scheduled, cancelled);
            }
        }
        return timers.cancel(cancelled).chain(() -> timers.scheduleAll(List.copyOf(scheduled.values())));
    }

    private static void schedule(String promiseId, String kind, Instant at, Map<String, Timers.Schedule> scheduled,
                                 Set<String> cancelled) {
        String id = id(promiseId, kind);
        cancelled.remove(id);
        scheduled.put(id, new Timers.Schedule(id, kind, promiseId, at, null));
    }

    private static void cancel(String id, Map<String, Timers.Schedule> scheduled, Set<String> cancelled) {
        scheduled.remove(id);
        cancelled.add(id);
    }

    static String id(String promiseId, String kind) {
        return kind + ":" + promiseId;
    }
}
