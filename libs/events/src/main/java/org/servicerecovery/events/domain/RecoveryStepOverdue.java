package org.servicerecovery.events.domain;

import static java.util.Objects.requireNonNull;

import java.time.OffsetDateTime;

import org.servicerecovery.events.CustomerEvent;

/**
 * {@code recovery.step-overdue}: a step passed its deadline without being done; escalation follows.
 *
 * @param customerId the customer's id in the CRM; also the Kafka key and the CloudEvents subject.
 * @param caseId the case.
 * @param stepId the step.
 * @param kind what the step does.
 * @param dueAt the deadline that passed.
 * @param detectedAt when recovery-escalation noticed.
 */
public record RecoveryStepOverdue(
        String customerId,
        String caseId,
        String stepId,
        StepKind kind,
        OffsetDateTime dueAt,
        OffsetDateTime detectedAt) implements CustomerEvent {

    public RecoveryStepOverdue {
        requireNonNull(customerId, "customerId");
        requireNonNull(caseId, "caseId");
        requireNonNull(stepId, "stepId");
        requireNonNull(kind, "kind");
        requireNonNull(dueAt, "dueAt");
        requireNonNull(detectedAt, "detectedAt");
    }
}
