package org.servicerecovery.events.domain;

import static java.util.Objects.requireNonNull;

import java.time.OffsetDateTime;

import com.fasterxml.jackson.annotation.JsonInclude;

import org.servicerecovery.events.CustomerEvent;

/**
 * {@code promise.fulfilled-late}: a promise was kept, but after its deadline.
 *
 * @param customerId the customer's id in the CRM; also the Kafka key and the CloudEvents subject.
 * @param promiseId the CRM's commitmentId.
 * @param owner agent accountable for the promise.
 * @param team the owner's team, if known.
 * @param dueAt the deadline.
 * @param fulfilledAt when it was kept.
 * @param latenessMillis fulfilledAt minus dueAt, in milliseconds.
 */
public record PromiseFulfilledLate(
        String customerId,
        String promiseId,
        String owner,
        @JsonInclude(JsonInclude.Include.NON_NULL) String team,
        OffsetDateTime dueAt,
        OffsetDateTime fulfilledAt,
        long latenessMillis) implements CustomerEvent {

    public PromiseFulfilledLate {
        requireNonNull(customerId, "customerId");
        requireNonNull(promiseId, "promiseId");
        requireNonNull(owner, "owner");
        requireNonNull(dueAt, "dueAt");
        requireNonNull(fulfilledAt, "fulfilledAt");
        if (latenessMillis < 0) {
            throw new IllegalArgumentException("latenessMillis must not be negative, was " + latenessMillis);
        }
    }
}
