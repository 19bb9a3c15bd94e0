package org.servicerecovery.events.domain;

import static java.util.Objects.requireNonNull;

import java.time.OffsetDateTime;

import org.servicerecovery.events.CustomerEvent;

/**
 * {@code recovery.escalated}: a recovery step went overdue and was escalated.
 *
 * @param customerId the customer's id in the CRM; also the Kafka key and the CloudEvents subject.
 * @param caseId the case.
 * @param stepId the overdue step.
 * @param level the rung it reached.
 * @param escalatedTo id of the person or team it went to.
 * @param escalatedAt when it was escalated.
 */
public record RecoveryEscalated(
        String customerId,
        String caseId,
        String stepId,
        EscalationLevel level,
        String escalatedTo,
        OffsetDateTime escalatedAt) implements CustomerEvent {

    public RecoveryEscalated {
        requireNonNull(customerId, "customerId");
        requireNonNull(caseId, "caseId");
        requireNonNull(stepId, "stepId");
        requireNonNull(level, "level");
        requireNonNull(escalatedTo, "escalatedTo");
        requireNonNull(escalatedAt, "escalatedAt");
    }
}
