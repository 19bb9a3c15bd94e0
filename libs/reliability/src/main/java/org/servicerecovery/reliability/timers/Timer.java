package org.servicerecovery.reliability.timers;

import java.time.Instant;

/**
 * A durable timer as its handler sees it. {@code id} is chosen by the owner (e.g. {@code promise:42:due}) so that
 * scheduling again moves the timer instead of adding a second one.
 */
public record Timer(String id, String kind, String ownerId, Instant dueAt, String payload, int attempts) {
}
