package org.servicerecovery.events.domain;

import static java.util.Objects.requireNonNull;

import java.time.OffsetDateTime;

import com.fasterxml.jackson.annotation.JsonInclude;

import org.servicerecovery.events.CustomerEvent;

/**
 * {@code recovery.case-paused}: the case's clocks stopped, usually while waiting on the customer; paused time does
 * not count against any deadline.
 *
 * @param customerId the customer's id in the CRM; also the Kafka key and the CloudEvents subject.
 * @param caseId the case.
 * @param reason why, if given.
 * @param pausedAt when the clocks stopped.
 */
public record RecoveryCasePaused(
        String customerId,
        String caseId,
        @JsonInclude(JsonInclude.Include.NON_NULL) String reason,
        OffsetDateTime pausedAt) implements CustomerEvent {

    public RecoveryCasePaused {
        requireNonNull(customerId, "customerId");
        requireNonNull(caseId, "caseId");
        requireNonNull(pausedAt, "pausedAt");
    }
}
