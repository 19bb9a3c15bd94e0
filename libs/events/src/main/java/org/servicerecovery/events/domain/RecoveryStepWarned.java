package org.servicerecovery.events.domain;

import static java.util.Objects.requireNonNull;

import java.time.OffsetDateTime;

import org.servicerecovery.events.CustomerEvent;

/**
 * {@code recovery.step-warned}: a step reached its warning point (by default 75 % of its window) and is not done.
 *
 * @param customerId the customer's id in the CRM; also the Kafka key and the CloudEvents subject.
 * @param caseId the case.
 * @param stepId the step.
 * @param kind what the step does.
 * @param dueAt the step's deadline.
 * @param warnedAt when the warning was raised.
 */
public record RecoveryStepWarned(
        String customerId,
        String caseId,
        String stepId,
        StepKind kind,
        OffsetDateTime dueAt,
        OffsetDateTime warnedAt) implements CustomerEvent {

    public RecoveryStepWarned {
        requireNonNull(customerId, "customerId");
        requireNonNull(caseId, "caseId");
        requireNonNull(stepId, "stepId");
        requireNonNull(kind, "kind");
        requireNonNull(dueAt, "dueAt");
        requireNonNull(warnedAt, "warnedAt");
    }
}
