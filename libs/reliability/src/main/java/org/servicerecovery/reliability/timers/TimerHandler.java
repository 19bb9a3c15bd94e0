package org.servicerecovery.reliability.timers;

import java.util.List;

import io.smallrye.mutiny.Uni;
import org.servicerecovery.reliability.InOrder;

/**
 * Performs what a timer of one {@link #kind()} stands for. Runs inside the transaction that deletes the timer, so its
 * database writes and outbox events commit exactly once with it; a failure rolls everything back and the timer is
 * retried with backoff.
 */
public interface TimerHandler {

    String kind();

    Uni<Void> onFire(Timer timer);

    /**
     * Several due timers of this kind, in due order, in one transaction. Override it with set-based statements when a
     * burst of timers would otherwise cost several round trips each. If it fails, the timers are fired again one by one,
     * so that only the failing one is retried later.
     */
    default Uni<Void> onFireAll(List<Timer> timers) {
        return InOrder.forEach(timers, this::onFire);
    }
}
