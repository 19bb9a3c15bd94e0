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

    /**
     * True for a timer that decides on customer events not having happened before its due time (a deadline missed,
     * a warning that nothing was done yet): it fires only once the service has read its input up to the due time plus
     * the grace ({@code WatermarkGate}), so an event sent in time but delivered late is never overtaken by the timer.
     */
    default boolean awaitsInputWatermark() {
        return false;
    }

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
