package org.servicerecovery.events.crm;

import static java.util.Objects.requireNonNull;

import org.servicerecovery.events.CustomerEvent;

/**
 * {@code commitment.cancelled}: a commitment will not be fulfilled, and nobody expects it to be.
 *
 * @param customerId the customer's id in the CRM; also the Kafka key and the CloudEvents subject.
 * @param commitmentId the commitment's id in the CRM.
 * @param reason why it was cancelled.
 */
public record CommitmentCancelled(
        String customerId,
        String commitmentId,
        String reason) implements CustomerEvent {

    public CommitmentCancelled {
        requireNonNull(customerId, "customerId");
        requireNonNull(commitmentId, "commitmentId");
        requireNonNull(reason, "reason");
    }
}
