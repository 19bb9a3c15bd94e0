package org.servicerecovery.promises.domain;

import java.time.Instant;

import org.servicerecovery.events.crm.Channel;
import org.servicerecovery.events.crm.Tier;

/**
 * One commitment an agent made to a customer. {@code dueAt} is the deadline now in force (an agreed reschedule moves
 * it); {@code tier} is the customer's tier when the promise was made, which picks the at-risk policy.
 */
public record Promise(String id, String customerId, String owner, String team, Channel channel, Tier tier,
                      String description, Instant madeAt, Instant dueAt, PromiseState state,
                      Instant fulfilledAt, Instant missedAt, Instant cancelledAt) {

    Promise withDueAt(Instant newDueAt) {
        return new Promise(id, customerId, owner, team, channel, tier, description, madeAt, newDueAt, state,
                fulfilledAt, missedAt, cancelledAt);
    }

    Promise missed(Instant at) {
        return new Promise(id, customerId, owner, team, channel, tier, description, madeAt, dueAt, PromiseState.MISSED,
                fulfilledAt, at, cancelledAt);
    }

    Promise fulfilled(PromiseState outcome, Instant at) {
        return new Promise(id, customerId, owner, team, channel, tier, description, madeAt, dueAt, outcome,
                at, missedAt, cancelledAt);
    }

    /** Kept after a premature miss: the miss is forgotten, so statistics count the promise as kept only. */
    Promise keptAfterMiss(Instant at) {
        return new Promise(id, customerId, owner, team, channel, tier, description, madeAt, dueAt, PromiseState.KEPT,
                at, null, cancelledAt);
    }

    Promise cancelled(Instant at) {
        return new Promise(id, customerId, owner, team, channel, tier, description, madeAt, dueAt, PromiseState.CANCELLED,
                fulfilledAt, missedAt, at);
    }
}
