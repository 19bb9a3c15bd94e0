package org.servicerecovery.events.crm;

import static java.util.Objects.requireNonNull;

import java.time.OffsetDateTime;

import org.servicerecovery.events.CustomerEvent;

/**
 * {@code commitment.fulfilled}: the promised thing was done.
 *
 * @param customerId the customer's id in the CRM; also the Kafka key and the CloudEvents subject.
 * @param commitmentId the commitment's id in the CRM.
 * @param fulfilledAt when it was done; lateness is measured against the due date with this.
 */
public record CommitmentFulfilled(
        String customerId,
        String commitmentId,
        OffsetDateTime fulfilledAt) implements CustomerEvent {

    public CommitmentFulfilled {
        requireNonNull(customerId, "customerId");
        requireNonNull(commitmentId, "commitmentId");
        requireNonNull(fulfilledAt, "fulfilledAt");
    }
}
