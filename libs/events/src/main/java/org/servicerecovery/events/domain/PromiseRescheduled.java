package org.servicerecovery.events.domain;

import static java.util.Objects.requireNonNull;

import java.time.OffsetDateTime;

import org.servicerecovery.events.CustomerEvent;

/**
 * {@code promise.rescheduled}: a promise got a new deadline.
 *
 * @param customerId the customer's id in the CRM; also the Kafka key and the CloudEvents subject.
 * @param promiseId the CRM's commitmentId.
 * @param owner agent accountable for the promise.
 * @param previousDueAt the deadline before the change.
 * @param newDueAt the deadline now.
 * @param agreedWithCustomer true if the customer agreed to the move.
 * @param reason why it moved, as the CRM gave it.
 */
public record PromiseRescheduled(
        String customerId,
        String promiseId,
        String owner,
        OffsetDateTime previousDueAt,
        OffsetDateTime newDueAt,
        boolean agreedWithCustomer,
        String reason) implements CustomerEvent {

    public PromiseRescheduled {
        requireNonNull(customerId, "customerId");
        requireNonNull(promiseId, "promiseId");
        requireNonNull(owner, "owner");
        requireNonNull(previousDueAt, "previousDueAt");
        requireNonNull(newDueAt, "newDueAt");
        requireNonNull(reason, "reason");
    }
}
