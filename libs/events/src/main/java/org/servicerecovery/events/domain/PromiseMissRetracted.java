package org.servicerecovery.events.domain;

import static java.util.Objects.requireNonNull;

import java.time.OffsetDateTime;

import com.fasterxml.jackson.annotation.JsonInclude;

import org.servicerecovery.events.CustomerEvent;

/**
 * {@code promise.miss-retracted}: a promise reported missed was kept after all; the CRM reported a fulfilment dated at
 * or before the deadline only after the miss went out. Always follows a {@code promise.missed} and comes with a
 * {@code promise.kept}.
 *
 * @param customerId the customer's id in the CRM; also the Kafka key and the CloudEvents subject.
 * @param promiseId the CRM's commitmentId.
 * @param owner agent accountable for the promise.
 * @param team the owner's team, if known.
 * @param dueAt the deadline.
 * @param fulfilledAt when it was kept, at or before dueAt.
 * @param missedAt when the miss now retracted had been declared.
 * @param reason why the miss is retracted.
 */
public record PromiseMissRetracted(
        String customerId,
        String promiseId,
        String owner,
        @JsonInclude(JsonInclude.Include.NON_NULL) String team,
        OffsetDateTime dueAt,
        OffsetDateTime fulfilledAt,
        OffsetDateTime missedAt,
        String reason) implements CustomerEvent {

    public PromiseMissRetracted {
        requireNonNull(customerId, "customerId");
        requireNonNull(promiseId, "promiseId");
        requireNonNull(owner, "owner");
        requireNonNull(dueAt, "dueAt");
        requireNonNull(fulfilledAt, "fulfilledAt");
        requireNonNull(missedAt, "missedAt");
        requireNonNull(reason, "reason");
    }
}
