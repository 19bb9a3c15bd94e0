package org.servicerecovery.events.domain;

import static java.util.Objects.requireNonNull;

import java.time.OffsetDateTime;

import org.servicerecovery.events.CustomerEvent;

/**
 * {@code recovery.step-completed}: a step of a recovery case was done.
 *
 * @param customerId the customer's id in the CRM; also the Kafka key and the CloudEvents subject.
 * @param caseId the case.
 * @param stepId the step, unique within its case.
 * @param kind what the step did.
 * @param dueAt the step's deadline.
 * @param completedAt when it was done.
 * @param onTime true if completedAt is at or before dueAt.
 */
public record RecoveryStepCompleted(
        String customerId,
        String caseId,
        String stepId,
        StepKind kind,
        OffsetDateTime dueAt,
        OffsetDateTime completedAt,
        boolean onTime) implements CustomerEvent {

    public RecoveryStepCompleted {
        requireNonNull(customerId, "customerId");
        requireNonNull(caseId, "caseId");
        requireNonNull(stepId, "stepId");
        requireNonNull(kind, "kind");
        requireNonNull(dueAt, "dueAt");
        requireNonNull(completedAt, "completedAt");
    }
}
