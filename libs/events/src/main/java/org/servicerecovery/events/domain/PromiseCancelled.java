package org.servicerecovery.events.domain;

import static java.util.Objects.requireNonNull;

import java.time.OffsetDateTime;

import org.servicerecovery.events.CustomerEvent;

/**
 * {@code promise.cancelled}: a promise was withdrawn; it will be neither kept nor missed.
 *
 * @param customerId the customer's id in the CRM; also the Kafka key and the CloudEvents subject.
 * @param promiseId the CRM's commitmentId.
 * @param owner agent accountable for the promise.
 * @param reason why, as the CRM gave it.
 * @param cancelledAt when promise-tracking processed the cancellation.
 */
public record PromiseCancelled(
        String customerId,
        String promiseId,
        String owner,
        String reason,
        OffsetDateTime cancelledAt) implements CustomerEvent {

    public PromiseCancelled {
        requireNonNull(customerId, "customerId");
        requireNonNull(promiseId, "promiseId");
        requireNonNull(owner, "owner");
        requireNonNull(reason, "reason");
        requireNonNull(cancelledAt, "cancelledAt");
    }
}
