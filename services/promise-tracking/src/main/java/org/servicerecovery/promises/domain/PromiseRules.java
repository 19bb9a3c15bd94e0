package org.servicerecovery.promises.domain;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.servicerecovery.events.crm.CommitmentMade;
import org.servicerecovery.events.crm.Tier;
import org.servicerecovery.events.domain.PromiseAtRisk;
import org.servicerecovery.events.domain.PromiseCancelled;
import org.servicerecovery.events.domain.PromiseFulfilledLate;
import org.servicerecovery.events.domain.PromiseKept;
import org.servicerecovery.events.domain.PromiseMissRetracted;
import org.servicerecovery.events.domain.PromiseMissed;
import org.servicerecovery.events.domain.PromiseRescheduled;

/**
 * The promise state machine, free of I/O so that every rule is unit-tested on its own. Each method takes the promise
 * as stored and "now", and returns the {@link PromiseChange} to commit. Events for a promise whose outcome is settled are
 * recorded in its history and change nothing else.
 */
public final class PromiseRules {

    private final ReschedulePolicy reschedulePolicy;
    private final Map<Tier, AtRiskPolicy> atRisk;

    public PromiseRules(ReschedulePolicy reschedulePolicy, Map<Tier, AtRiskPolicy> atRisk) {
        this.reschedulePolicy = reschedulePolicy;
        this.atRisk = Map.copyOf(atRisk);
    }

    public PromiseChange make(CommitmentMade made, Tier tier, Instant now) {
        Instant due = made.dueAt().toInstant();
        Promise promise = new Promise(made.commitmentId(), made.customerId(), made.owner(), made.team(), made.channel(),
                tier, made.description(), made.madeAt().toInstant(), due, PromiseState.PENDING, null, null, null);
        // A promise that arrives after its deadline is armed anyway: its due timer fires at once and reports the miss.
        return new PromiseChange(promise, List.of(), arm(promise, promise.madeAt(), now),
                List.of(new HistoryEntry(now, "made", "due " + due + " (" + tier.name().toLowerCase() + " tier)")));
    }

    /** Another commitment.made for a promise already known (a CRM re-send with a new event id): recorded only. */
    public PromiseChange madeAgain(Promise promise, Instant now) {
        return PromiseChange.recordOnly(promise, ignored(now, "commitment.made again", promise));
    }

    public PromiseChange fulfil(Promise promise, Instant fulfilledAt, Instant now) {
        return switch (promise.state()) {
            case PENDING -> fulfilledAt.isAfter(promise.dueAt())
                    // The deadline passed before the timer noticed: report the miss first, so every late fulfilment
                    // follows exactly one promise.missed.
                    ? fulfilLate(missAt(promise, now, "missed: fulfilled after the due time"), fulfilledAt, now)
                    : keep(promise, fulfilledAt, now);
            case MISSED -> keptBeforeTheMiss(promise, fulfilledAt)
                    ? retractMiss(promise, fulfilledAt, now)
                    : fulfilLate(new PromiseChange(promise, List.of(), TimerPlan.KEEP, List.of()), fulfilledAt, now);
            default -> PromiseChange.recordOnly(promise, ignored(now, "fulfilment at " + fulfilledAt, promise));
        };
    }

    public PromiseChange reschedule(Promise promise, Instant newDueAt, boolean agreed, String reason, Instant now) {
        if (promise.state() != PromiseState.PENDING) {
            return PromiseChange.recordOnly(promise, ignored(now, "reschedule to " + newDueAt + " (" + reason + ")", promise));
        }
        boolean beforeDue = now.isBefore(promise.dueAt());
        boolean moves = beforeDue && (agreed || reschedulePolicy == ReschedulePolicy.MOVE);
        PromiseRescheduled rescheduled = new PromiseRescheduled(promise.customerId(), promise.id(), promise.owner(),
                utc(promise.dueAt()), utc(newDueAt), agreed, reason);
        if (moves) {
            Promise moved = promise.withDueAt(newDueAt);
            return new PromiseChange(moved, List.of(rescheduled), arm(moved, now, now), List.of(new HistoryEntry(now,
                    "rescheduled", "due " + promise.dueAt() + " -> " + newDueAt + (agreed ? ", agreed" : ", not agreed")
                            + " (" + reason + ")")));
        }
        PromiseChange missed = missAt(promise, now, beforeDue
                ? "missed: rescheduled without the customer's agreement"
                : "missed: rescheduled after the due time");
        return new PromiseChange(missed.promise(), append(missed.events(), rescheduled), TimerPlan.CANCEL_ALL,
                append(missed.history(), new HistoryEntry(now, "rescheduled", "new date " + newDueAt
                        + (agreed ? ", agreed" : ", not agreed") + " (" + reason + "); the outcome stays missed")));
    }

    public PromiseChange cancel(Promise promise, String reason, Instant now) {
        if (promise.state() != PromiseState.PENDING) {
            return PromiseChange.recordOnly(promise, ignored(now, "cancellation (" + reason + ")", promise));
        }
        Promise cancelled = promise.cancelled(now);
        return new PromiseChange(cancelled,
                List.of(new PromiseCancelled(promise.customerId(), promise.id(), promise.owner(), reason, utc(now))),
                TimerPlan.CANCEL_ALL, List.of(new HistoryEntry(now, "cancelled", reason)));
    }

    /** The due timer fired. */
    public PromiseChange dueReached(Promise promise, Instant now) {
        if (promise.state() != PromiseState.PENDING) {
            return PromiseChange.recordOnly(promise, ignored(now, "due timer", promise));
        }
        PromiseChange missed = missAt(promise, now, "missed: due time passed unfulfilled");
        // The due timer is the one firing; a warning still waiting (it only exists if it failed) finds it settled.
        return new PromiseChange(missed.promise(), missed.events(), TimerPlan.KEEP, missed.history());
    }

    /** The warning timer fired. */
    public PromiseChange atRiskReached(Promise promise, Instant now) {
        if (promise.state() != PromiseState.PENDING || !now.isBefore(promise.dueAt())) {
            return new PromiseChange(promise, List.of(), TimerPlan.KEEP, List.of());
        }
        return new PromiseChange(promise, List.of(new PromiseAtRisk(promise.customerId(), promise.id(), promise.owner(),
                promise.team(), promise.description(), utc(promise.dueAt()), utc(now))), TimerPlan.KEEP,
                List.of(new HistoryEntry(now, "at-risk", "warned " + Duration.between(now, promise.dueAt())
                        + " before the due time")));
    }

    private PromiseChange keep(Promise promise, Instant fulfilledAt, Instant now) {
        return new PromiseChange(promise.fulfilled(PromiseState.KEPT, fulfilledAt),
                List.of(new PromiseKept(promise.customerId(), promise.id(), promise.owner(), promise.team(),
                        utc(promise.dueAt()), utc(fulfilledAt))),
                TimerPlan.CANCEL_ALL, List.of(new HistoryEntry(now, "kept", "fulfilled at " + fulfilledAt)));
    }

    /**
     * The due time passed before the CRM reported a fulfilment dated at or before it. A miss declared before the due
     * time (an unagreed reschedule under miss-first) is a decision, not a timing accident, and stands.
     */
    private static boolean keptBeforeTheMiss(Promise promise, Instant fulfilledAt) {
        return !fulfilledAt.isAfter(promise.dueAt()) && !promise.missedAt().isBefore(promise.dueAt());
    }

    /** The miss went out too early: the promise was kept, so it ends KEPT and readers are told to undo the miss. */
    private static PromiseChange retractMiss(Promise promise, Instant fulfilledAt, Instant now) {
        String reason = "fulfilled at " + fulfilledAt + ", at or before the due time " + promise.dueAt()
                + ", but reported only after the miss was declared at " + promise.missedAt();
        return new PromiseChange(promise.keptAfterMiss(fulfilledAt),
                List.of(new PromiseKept(promise.customerId(), promise.id(), promise.owner(), promise.team(),
                                utc(promise.dueAt()), utc(fulfilledAt)),
                        new PromiseMissRetracted(promise.customerId(), promise.id(), promise.owner(), promise.team(),
                                utc(promise.dueAt()), utc(fulfilledAt), utc(promise.missedAt()), reason)),
                TimerPlan.CANCEL_ALL,
                List.of(new HistoryEntry(now, "miss-retracted", "the miss was premature: " + reason),
                        new HistoryEntry(now, "kept", "fulfilled at " + fulfilledAt)));
    }

    /** Lateness never goes below zero: a fulfilment dated before the due time but reported after a miss counts 0. */
    private static PromiseChange fulfilLate(PromiseChange missed, Instant fulfilledAt, Instant now) {
        Promise promise = missed.promise();
        long lateness = Math.max(0, Duration.between(promise.dueAt(), fulfilledAt).toMillis());
        return new PromiseChange(promise.fulfilled(PromiseState.FULFILLED_LATE, fulfilledAt),
                append(missed.events(), new PromiseFulfilledLate(promise.customerId(), promise.id(), promise.owner(),
                        promise.team(), utc(promise.dueAt()), utc(fulfilledAt), lateness)),
                TimerPlan.CANCEL_ALL, append(missed.history(), new HistoryEntry(now, "fulfilled-late",
                        "fulfilled at " + fulfilledAt + ", " + Duration.ofMillis(lateness) + " late")));
    }

    private static PromiseChange missAt(Promise promise, Instant now, String why) {
        long lateness = Math.max(0, Duration.between(promise.dueAt(), now).toMillis());
        return new PromiseChange(promise.missed(now),
                List.of(new PromiseMissed(promise.customerId(), promise.id(), promise.owner(), promise.team(),
                        promise.description(), utc(promise.dueAt()), utc(now), lateness)),
                TimerPlan.CANCEL_ALL, List.of(new HistoryEntry(now, "missed", why + " (" + Duration.ofMillis(lateness)
                        + " after the due time)")));
    }

    private TimerPlan arm(Promise promise, Instant intervalStart, Instant now) {
        AtRiskPolicy policy = atRisk.getOrDefault(promise.tier(), AtRiskPolicy.NONE);
        return new TimerPlan.Arm(policy.warnAt(intervalStart, promise.dueAt(), now).orElse(null), promise.dueAt());
    }

    private static HistoryEntry ignored(Instant now, String what, Promise promise) {
        return new HistoryEntry(now, "ignored", what + " recorded; the promise is already "
                + promise.state().name().toLowerCase());
    }

    private static <T> List<T> append(List<? extends T> list, T item) {
        List<T> result = new ArrayList<>(list);
        result.add(item);
        return result;
    }

    private static OffsetDateTime utc(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
