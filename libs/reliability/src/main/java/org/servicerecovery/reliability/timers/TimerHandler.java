package org.servicerecovery.reliability.timers;

import io.smallrye.mutiny.Uni;

/**
 * Performs what a timer of one {@link #kind()} stands for. Runs inside the transaction that deletes the timer, so its
 * database writes and outbox events commit exactly once with it; a failure rolls everything back and the timer is
 * retried with backoff.
 */
public interface TimerHandler {

    String kind();

    Uni<Void> onFire(Timer timer);
}
