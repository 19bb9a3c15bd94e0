package org.servicerecovery.promises.domain;

import java.time.Instant;

/** What a change means for the promise's durable timers. */
public sealed interface TimerPlan {

    /** Leave the timers as they are. */
    record Keep() implements TimerPlan {
    }

    /** The promise no longer needs a warning or a deadline. */
    record CancelAll() implements TimerPlan {
    }

    /** (Re)arm the deadline, and the warning if {@code atRiskAt} is not null (otherwise drop any warning). */
    record Arm(Instant atRiskAt, Instant dueAt) implements TimerPlan {
    }

    TimerPlan KEEP = new Keep();
    TimerPlan CANCEL_ALL = new CancelAll();
}
