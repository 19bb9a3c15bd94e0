package org.servicerecovery.recovery.domain;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.servicerecovery.events.crm.Severity;
import org.servicerecovery.events.domain.EscalationLevel;
import org.servicerecovery.events.domain.RecoveryTrigger;
import org.servicerecovery.events.domain.StepKind;

/**
 * A recovery case: one customer we let down, the steps to win them back under the policy version it opened with, and
 * where it stands. {@code escalation} is the highest rung reached so far (null: nobody above the team involved).
 * {@code failures} counts the failures it covers (attached ones included).
 */
public record RecoveryCase(String id, Customer customer, String team, String assignee, Severity severity,
                           RecoveryTrigger trigger, String triggerRef, String failure, boolean repeat, String policyId,
                           int policyVersion, CaseState state, Instant openedAt, Instant pausedAt, Instant resolvedAt,
                           EscalationLevel escalation, int failures, List<Step> steps, List<Remedy> remedies,
                           Answers answers) {

    public RecoveryCase {
        steps = List.copyOf(steps);
        remedies = List.copyOf(remedies);
    }

    /** The step whose clock is running (or stopped, while paused). */
    public Optional<Step> activeStep() {
        return steps.stream().filter(step -> step.state() == StepState.ACTIVE).findFirst();
    }

    /** The step waiting for its start delay, if the case is between steps. */
    public Optional<Step> scheduledStep() {
        return steps.stream().filter(step -> step.state() == StepState.SCHEDULED).findFirst();
    }

    /** The follow-up, running or still waiting to start: answers to its questions complete it. */
    public Optional<Step> awaitingAnswers() {
        return activeStep().or(this::scheduledStep).filter(step -> step.kind() == StepKind.FOLLOW_UP);
    }

    /** The deadline that matters next: the active step's due time. */
    public Instant nextDeadline() {
        return activeStep().map(Step::dueAt).orElse(null);
    }

    public boolean overdue() {
        return activeStep().map(Step::overdue).orElse(false);
    }
}
