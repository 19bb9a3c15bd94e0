package org.servicerecovery.events.domain;

import static java.util.Objects.requireNonNull;

import java.time.OffsetDateTime;

import org.servicerecovery.events.CustomerEvent;

/**
 * {@code recovery.step-started}: a step of a recovery case started; its clock runs.
 *
 * @param customerId the customer's id in the CRM; also the Kafka key and the CloudEvents subject.
 * @param caseId the case.
 * @param stepId the step, unique within its case.
 * @param kind what the step does.
 * @param startedAt when it started.
 * @param warnAt when the assignee is warned if the step is not done.
 * @param dueAt the step's deadline, working time of the step's calendar included.
 */
public record RecoveryStepStarted(
        String customerId,
        String caseId,
        String stepId,
        StepKind kind,
        OffsetDateTime startedAt,
        OffsetDateTime warnAt,
        OffsetDateTime dueAt) implements CustomerEvent {

    public RecoveryStepStarted {
        requireNonNull(customerId, "customerId");
        requireNonNull(caseId, "caseId");
        requireNonNull(stepId, "stepId");
        requireNonNull(kind, "kind");
        requireNonNull(startedAt, "startedAt");
        requireNonNull(warnAt, "warnAt");
        requireNonNull(dueAt, "dueAt");
    }
}
