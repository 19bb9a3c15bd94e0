package org.servicerecovery.events.domain;

import static java.util.Objects.requireNonNull;

import java.time.OffsetDateTime;

import com.fasterxml.jackson.annotation.JsonInclude;

import org.servicerecovery.events.CustomerEvent;

/**
 * {@code promise.missed}: a promise passed its deadline without being kept.
 *
 * @param customerId the customer's id in the CRM; also the Kafka key and the CloudEvents subject.
 * @param promiseId the CRM's commitmentId.
 * @param owner agent accountable for the promise.
 * @param team the owner's team, if known.
 * @param description what was promised.
 * @param dueAt the deadline.
 * @param detectedAt when promise-tracking noticed.
 * @param latenessMillis detectedAt minus dueAt, in milliseconds.
 */
public record PromiseMissed(
        String customerId,
        String promiseId,
        String owner,
        @JsonInclude(JsonInclude.Include.NON_NULL) String team,
        String description,
        OffsetDateTime dueAt,
        OffsetDateTime detectedAt,
        long latenessMillis) implements CustomerEvent {

    public PromiseMissed {
        requireNonNull(customerId, "customerId");
        requireNonNull(promiseId, "promiseId");
        requireNonNull(owner, "owner");
        requireNonNull(description, "description");
        requireNonNull(dueAt, "dueAt");
        requireNonNull(detectedAt, "detectedAt");
        if (latenessMillis < 0) {
            throw new IllegalArgumentException("latenessMillis must not be negative, was " + latenessMillis);
        }
    }
}
