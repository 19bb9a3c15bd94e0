package org.servicerecovery.promises.persistence;

import java.time.Instant;

import org.servicerecovery.promises.domain.PromiseState;

/** The list endpoint's filters; null means "any". The due window is [dueFrom, dueTo). */
public record PromiseFilter(String customer, String owner, String team, PromiseState state, Instant dueFrom, Instant dueTo) {
}
