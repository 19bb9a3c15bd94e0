package org.servicerecovery.promises.domain;

import java.time.Instant;

/** One line of a promise's history: what happened ({@code kind}), when, and the details a person needs. */
public record HistoryEntry(Instant at, String kind, String detail) {
}
