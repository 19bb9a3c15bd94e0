package org.servicerecovery.events.domain;

import static java.util.Objects.requireNonNull;

import java.time.OffsetDateTime;

import com.fasterxml.jackson.annotation.JsonInclude;

import org.servicerecovery.events.CustomerEvent;

/**
 * {@code promise.kept}: a promise was kept on time.
 *
 * @param customerId the customer's id in the CRM; also the Kafka key and the CloudEvents subject.
 * @param promiseId the CRM's commitmentId.
 * @param owner agent accountable for the promise.
 * @param team the owner's team, if known.
 * @param dueAt the deadline.
 * @param fulfilledAt when it was kept, at or before dueAt.
 */
public record PromiseKept(
        String customerId,
        String promiseId,
        String owner,
        @JsonInclude(JsonInclude.Include.NON_NULL) String team,
        OffsetDateTime dueAt,
        OffsetDateTime fulfilledAt) implements CustomerEvent {

    public PromiseKept {
        requireNonNull(customerId, "customerId");
        requireNonNull(promiseId, "promiseId");
        requireNonNull(owner, "owner");
        requireNonNull(dueAt, "dueAt");
        requireNonNull(fulfilledAt, "fulfilledAt");
    }
}
