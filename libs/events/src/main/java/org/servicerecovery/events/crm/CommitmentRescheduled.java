package org.servicerecovery.events.crm;

import static java.util.Objects.requireNonNull;

import java.time.OffsetDateTime;

import org.servicerecovery.events.CustomerEvent;

/**
 * {@code commitment.rescheduled}: a commitment got a new deadline.
 *
 * @param customerId the customer's id in the CRM; also the Kafka key and the CloudEvents subject.
 * @param commitmentId the commitment's id in the CRM.
 * @param newDueAt the new deadline.
 * @param reason why it moved.
 * @param agreedWithCustomer true if the customer agreed to the new deadline, false if it was moved without
 *        them.
 */
public record CommitmentRescheduled(
        String customerId,
        String commitmentId,
        OffsetDateTime newDueAt,
        String reason,
        boolean agreedWithCustomer) implements CustomerEvent {

    public CommitmentRescheduled {
        requireNonNull(customerId, "customerId");
        requireNonNull(commitmentId, "commitmentId");
        requireNonNull(newDueAt, "newDueAt");
        requireNonNull(reason, "reason");
    }
}
