package org.servicerecovery.events.domain;

import static java.util.Objects.requireNonNull;

import java.time.OffsetDateTime;

import com.fasterxml.jackson.annotation.JsonInclude;

import org.servicerecovery.events.CustomerEvent;

/**
 * {@code promise.at-risk}: a promise is close to its deadline and not yet kept: there is still time to act.
 *
 * @param customerId the customer's id in the CRM; also the Kafka key and the CloudEvents subject.
 * @param promiseId the CRM's commitmentId.
 * @param owner agent accountable for the promise.
 * @param team the owner's team, if known.
 * @param description what was promised.
 * @param dueAt the deadline.
 * @param warnedAt when promise-tracking raised the warning.
 */
public record PromiseAtRisk(
        String customerId,
        String promiseId,
        String owner,
        @JsonInclude(JsonInclude.Include.NON_NULL) String team,
        String description,
        OffsetDateTime dueAt,
        OffsetDateTime warnedAt) implements CustomerEvent {

    public PromiseAtRisk {
        requireNonNull(customerId, "customerId");
        requireNonNull(promiseId, "promiseId");
        requireNonNull(owner, "owner");
        requireNonNull(description, "description");
        requireNonNull(dueAt, "dueAt");
        requireNonNull(warnedAt, "warnedAt");
    }
}
