package org.servicerecovery.events.domain;

import static java.util.Objects.requireNonNull;

import java.time.OffsetDateTime;

import org.servicerecovery.events.CustomerEvent;

/**
 * {@code recovery.case-resumed}: the case's clocks run again; its deadlines moved by the paused time.
 *
 * @param customerId the customer's id in the CRM; also the Kafka key and the CloudEvents subject.
 * @param caseId the case.
 * @param pausedAt when the clocks had stopped.
 * @param resumedAt when they run again.
 */
public record RecoveryCaseResumed(
        String customerId,
        String caseId,
        OffsetDateTime pausedAt,
        OffsetDateTime resumedAt) implements CustomerEvent {

    public RecoveryCaseResumed {
        requireNonNull(customerId, "customerId");
        requireNonNull(caseId, "caseId");
        requireNonNull(pausedAt, "pausedAt");
        requireNonNull(resumedAt, "resumedAt");
    }
}
