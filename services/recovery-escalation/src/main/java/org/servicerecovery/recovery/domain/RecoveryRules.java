package org.servicerecovery.recovery.domain;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.servicerecovery.events.CustomerEvent;
import org.servicerecovery.events.crm.Severity;
import org.servicerecovery.events.domain.EscalationLevel;
import org.servicerecovery.events.domain.OutreachRequested;
import org.servicerecovery.events.domain.RecoveryCaseOpened;
import org.servicerecovery.events.domain.RecoveryCasePaused;
import org.servicerecovery.events.domain.RecoveryCaseResolved;
import org.servicerecovery.events.domain.RecoveryCaseResumed;
import org.servicerecovery.events.domain.RecoveryEscalated;
import org.servicerecovery.events.domain.RecoveryStepCompleted;
import org.servicerecovery.events.domain.RecoveryStepOverdue;
import org.servicerecovery.events.domain.RecoveryStepStarted;
import org.servicerecovery.events.domain.RecoveryStepWarned;
import org.servicerecovery.events.domain.StepKind;
import org.servicerecovery.events.domain.Urgency;

/**
 * The recovery workflow as a state machine without I/O: every method takes the case as stored, the policy version the
 * case is pinned to and "now", and returns the {@link CaseChange} to commit. Actions the current state forbids throw
 * {@link TransitionException}; timers that outlived their step change nothing but the timeline.
 */
public final class RecoveryRules {

    private final Messages messages;

    public RecoveryRules(Messages messages) {
        this.messages = messages;
    }

    /**
     * A new failure for the customer. It joins {@code latest} (the customer's most recent case) when that is still
     * open and was opened within the attach window; a new case is a repeat failure when {@code latest} was opened
     * within the repeat window.
     */
    public CaseChange open(Trigger trigger, Customer customer, Optional<RecoveryCase> latest, Policy policy, String caseId,
                       Instant now) {
        if (latest.isPresent() && latest.get().state() != CaseState.RESOLVED
                && now.isBefore(latest.get().openedAt().plus(policy.attachWindow()))) {
            return attach(latest.get(), trigger, now);
        }
        boolean repeat = latest.isPresent() && now.isBefore(latest.get().openedAt().plus(policy.repeatWindow()));
        Severity base = trigger.severity() != null ? trigger.severity() : policy.triggerSeverity().get(trigger.kind());
        Severity severity = repeat ? raise(base) : base;
        String team = trigger.team() != null ? trigger.team()
                : policy.route(trigger.category(), trigger.channel(), customer.tier(), customer.accountTeam());
        Policy.Plan plan = policy.plan(trigger.kind(), severity, customer.tier()).orElseThrow(() ->
                new IllegalStateException("policy " + policy.id() + " v" + policy.version() + " has no plan for "
                        + severity));
        double factor = policy.factor(customer.tier());
        List<Step> steps = new ArrayList<>();
        for (Policy.StepSpec spec : plan.steps()) {
            String zone = spec.customerZone() && customer.timezone() != null ? customer.timezone()
                    : policy.calendar(spec.calendar()).zone().getId();
            steps.add(Step.planned("s" + (steps.size() + 1), spec.kind(), spec.title(), scale(spec.due(), factor),
                    spec.calendar(), zone, spec.autoSend(), spec.fromOpen(), spec.after(), spec.warningAt(),
                    spec.escalation()));
        }
        RecoveryCase opened = new RecoveryCase(caseId, customer, team, null, severity, trigger.kind(), trigger.ref(),
                trigger.failure(), repeat, policy.id(), policy.version(), CaseState.OPEN, now, null, null,
                repeat ? EscalationLevel.SUPERVISOR : null, 1, steps, List.of(), null);
        Work work = new Work(opened, true);
        work.event(new RecoveryCaseOpened(customer.id(), caseId, trigger.kind(), trigger.ref(), team, severity, repeat,
                policy.id(), policy.version(), utc(now)));
        work.log(now, "case-opened", null, trigger.kind().name().toLowerCase(Locale.ROOT) + " " + trigger.ref() + ": "
                + trigger.failure() + "; severity " + name(severity) + (repeat ? " (raised: repeat failure)" : "")
                + ", team " + team + ", policy " + policy.id() + " v" + policy.version());
        if (repeat) {
            work.escalate(steps.get(0).id(), EscalationLevel.SUPERVISOR, team, null, now,
                    "repeat failure within " + policy.repeatWindow().toDays() + " days: supervisor involved from the start");
        }
        startNext(work, policy, now);
        return work.done();
    }

    public CaseChange attach(RecoveryCase recoveryCase, Trigger trigger, Instant now) {
        Work work = new Work(recoveryCase, false);
        work.c = copy(work.c, work.c.state(), work.c.failures() + 1);
        work.log(now, "failure-attached", null, trigger.kind().name().toLowerCase(Locale.ROOT) + " " + trigger.ref()
                + ": " + trigger.failure());
        return work.done();
    }

    public CaseChange assign(RecoveryCase recoveryCase, String assignee, String actor, Instant now) {
        requireNotResolved(recoveryCase, "assign");
        Work work = new Work(recoveryCase, false);
        RecoveryCase c = work.c;
        work.c = new RecoveryCase(c.id(), c.customer(), c.team(), assignee, c.severity(), c.trigger(), c.triggerRef(),
                c.failure(), c.repeat(), c.policyId(), c.policyVersion(), c.state(), c.openedAt(), c.pausedAt(),
                c.resolvedAt(), c.escalation(), c.failures(), c.steps(), c.remedies(), c.answers());
        work.log(now, "case-assigned", actor, "assigned to " + assignee);
        return work.done();
    }

    /** The team moves the case to another team (the new team's queue). */
    public CaseChange reassignTeam(RecoveryCase recoveryCase, String team, String actor, Instant now) {
        requireNotResolved(recoveryCase, "reassign");
        Work work = new Work(recoveryCase, false);
        RecoveryCase c = work.c;
        work.c = new RecoveryCase(c.id(), c.customer(), team, null, c.severity(), c.trigger(), c.triggerRef(),
                c.failure(), c.repeat(), c.policyId(), c.policyVersion(), c.state(), c.openedAt(), c.pausedAt(),
                c.resolvedAt(), c.escalation(), c.failures(), c.steps(), c.remedies(), c.answers());
        work.log(now, "case-reassigned", actor, "team " + c.team() + " -> " + team);
        return work.done();
    }

    /** The agent sends the drafted message, possibly edited. */
    public CaseChange approveMessage(RecoveryCase recoveryCase, String subject, String body, String actor, Instant now) {
        requireOpen(recoveryCase, "send the message");
        Step step = active(recoveryCase, "send the message");
        if (step.outreach() != OutreachState.AWAITING_APPROVAL) {
            throw new TransitionException("send the message", state(recoveryCase),
                    "step " + step.id() + " has no message awaiting approval");
        }
        Work work = new Work(recoveryCase, false);
        boolean edited = (subject != null && !subject.equals(step.subject())) || (body != null && !body.equals(step.body()));
        work.log(now, "message-approved", actor, (edited ? "edited and sent " : "sent ") + name(step.kind()));
        work.request(step.message(step.outreachId(), OutreachState.AWAITING_APPROVAL,
                subject != null ? subject : step.subject(), body != null ? body : step.body()),
                messages.render(step.kind(), recoveryCase).locale(), now);
        return work.done();
    }

    /**
     * The CRM delivered a message at {@code deliveredAt}: that completes an apology, then (event time: a delivery read
     * late is still on time); a follow-up waits for the answers.
     */
    public CaseChange outreachDelivered(RecoveryCase recoveryCase, String outreachId, Instant deliveredAt, Policy policy,
                                        Instant now) {
        Work work = new Work(recoveryCase, false);
        Optional<Step> sent = recoveryCase.steps().stream().filter(s -> outreachId.equals(s.outreachId())).findFirst();
        if (sent.isEmpty() || sent.get().outreach() != OutreachState.REQUESTED) {
            work.log(now, "outreach-delivered", null, outreachId + " (already recorded or unknown; nothing changes)");
            return work.done();
        }
        Step step = sent.get().message(outreachId, OutreachState.DELIVERED, sent.get().subject(), sent.get().body());
        work.replace(step);
        work.log(now, "outreach-delivered", null, name(step.kind()) + " delivered (" + outreachId + ")");
        if (step.state() == StepState.ACTIVE && step.kind() == StepKind.APOLOGY && recoveryCase.state() == CaseState.OPEN) {
            work.complete(step, doneAt(step, deliveredAt, now), now, policy);
        }
        return work.done();
    }

    public CaseChange recordRemedy(RecoveryCase recoveryCase, Remedy remedy, Policy policy, Instant now) {
        requireOpen(recoveryCase, "record a remedy");
        Step step = active(recoveryCase, "record a remedy");
        requireKind(recoveryCase, step, StepKind.REMEDY, "record a remedy");
        Work work = new Work(recoveryCase, false);
        List<Remedy> remedies = new ArrayList<>(recoveryCase.remedies());
        remedies.add(remedy);
        RecoveryCase c = work.c;
        work.c = new RecoveryCase(c.id(), c.customer(), c.team(), c.assignee(), c.severity(), c.trigger(),
                c.triggerRef(), c.failure(), c.repeat(), c.policyId(), c.policyVersion(), c.state(), c.openedAt(),
                c.pausedAt(), c.resolvedAt(), c.escalation(), c.failures(), c.steps(), remedies, c.answers());
        work.log(now, "remedy-recorded", remedy.by(), name(remedy.type()) + " worth " + remedy.value().toPlainString()
                + " " + remedy.currency() + (remedy.note() == null ? "" : ": " + remedy.note()));
        work.complete(step, now, now, policy);
        return work.done();
    }

    /**
     * The three answers, given at {@code answeredAt}, from an agent or from feedback.received; the follow-up completes
     * then (event time). They may come while the follow-up still waits for its start (the customer answered on their
     * own): then it starts and completes at once, and its message is not sent.
     */
    public CaseChange recordAnswers(RecoveryCase recoveryCase, Answers answers, String actor, Instant answeredAt,
                                    Policy policy, Instant now) {
        requireOpen(recoveryCase, "record follow-up answers");
        Step step = recoveryCase.awaitingAnswers().orElseGet(() -> active(recoveryCase, "record follow-up answers"));
        requireKind(recoveryCase, step, StepKind.FOLLOW_UP, "record follow-up answers");
        Work work = new Work(recoveryCase, false);
        if (step.state() == StepState.SCHEDULED) {
            work.log(now, "follow-up-not-sent", actor, step.id() + " was to start at " + step.startAt()
                    + "; the answers came first");
            step = start(work, step, policy, now, false);
        }
        RecoveryCase c = work.c;
        work.c = new RecoveryCase(c.id(), c.customer(), c.team(), c.assignee(), c.severity(), c.trigger(),
                c.triggerRef(), c.failure(), c.repeat(), c.policyId(), c.policyVersion(), c.state(), c.openedAt(),
                c.pausedAt(), c.resolvedAt(), c.escalation(), c.failures(), c.steps(), c.remedies(), answers);
        work.log(now, "answers-recorded", actor, "better: " + answers.improveOneThing() + "; beyond the promise: "
                + answers.additionalValue() + "; best experience: " + answers.bestExperience());
        work.complete(step, doneAt(step, answeredAt, now), now, policy);
        return work.done();
    }

    /** Done by hand: survey and custom steps, or an apology made in person. Remedies and follow-ups need their data. */
    public CaseChange completeStep(RecoveryCase recoveryCase, String stepId, String actor, Policy policy, Instant now) {
        requireOpen(recoveryCase, "complete a step");
        Step step = active(recoveryCase, "complete a step");
        if (!step.id().equals(stepId)) {
            throw new TransitionException("complete step " + stepId, state(recoveryCase),
                    "the active step is " + step.id());
        }
        if (step.kind() == StepKind.REMEDY || step.kind() == StepKind.FOLLOW_UP) {
            throw new TransitionException("complete step " + stepId, state(recoveryCase),
                    "a " + name(step.kind()) + " step is completed by recording its " + (step.kind() == StepKind.REMEDY
                            ? "remedy" : "answers"));
        }
        Work work = new Work(recoveryCase, false);
        work.log(now, "step-marked-done", actor, step.id() + " " + name(step.kind()));
        work.complete(step, now, now, policy);
        return work.done();
    }

    /** Waiting on the customer: every clock of the case stops until it resumes. */
    public CaseChange pause(RecoveryCase recoveryCase, String reason, String actor, Instant now) {
        requireOpen(recoveryCase, "pause");
        Work work = new Work(recoveryCase, false);
        work.c = withState(work.c, CaseState.PAUSED, now, work.c.resolvedAt());
        work.cancelTimers();
        work.event(new RecoveryCasePaused(recoveryCase.customer().id(), recoveryCase.id(), reason, utc(now)));
        work.log(now, "case-paused", actor, reason == null ? "clock paused" : "clock paused: " + reason);
        return work.done();
    }

    /** The paused time does not count: each pending deadline moves by the working time that was left at the pause. */
    public CaseChange resume(RecoveryCase recoveryCase, String actor, Policy policy, Instant now) {
        if (recoveryCase.state() != CaseState.PAUSED) {
            throw new TransitionException("resume", state(recoveryCase), null);
        }
        Instant pausedAt = recoveryCase.pausedAt();
        Work work = new Work(recoveryCase, false);
        work.c = withState(work.c, CaseState.OPEN, null, work.c.resolvedAt());
        recoveryCase.activeStep().ifPresent(step -> {
            BusinessCalendar calendar = calendar(policy, step);
            Instant warn = shift(calendar, step.warnAt(), pausedAt, now);
            Instant due = shift(calendar, step.dueAt(), pausedAt, now);
            // The ladder runs on elapsed time after the breach, so it moves by the elapsed pause.
            Instant rungAt = step.nextRungAt() == null ? null
                    : step.nextRungAt().plus(Duration.between(pausedAt, now));
            Step moved = step.deadlines(warn, due, rungAt);
            work.replace(moved);
            if (!moved.warned()) {
                work.timers.add(TimerOp.set(TimerOp.Role.WARN, step, warn, step.id()));
            }
            if (!moved.overdue()) {
                work.timers.add(TimerOp.set(TimerOp.Role.DUE, step, due, step.id()));
            } else if (rungAt != null) {
                work.timers.add(TimerOp.set(TimerOp.Role.ESCALATE, step, rungAt, step.id() + "/" + step.nextRung()));
            }
        });
        recoveryCase.scheduledStep().ifPresent(step -> {
            Instant startAt = shift(calendar(policy, step), step.startAt(), pausedAt, now);
            work.replace(step.scheduled(startAt));
            work.timers.add(TimerOp.set(TimerOp.Role.START, step, startAt, step.id()));
        });
        work.event(new RecoveryCaseResumed(recoveryCase.customer().id(), recoveryCase.id(), utc(pausedAt), utc(now)));
        work.log(now, "case-resumed", actor, "clock resumed after " + Duration.between(pausedAt, now));
        return work.done();
    }

    public CaseChange escalateManually(RecoveryCase recoveryCase, String reason, String actor, Instant now) {
        requireNotResolved(recoveryCase, "escalate");
        EscalationLevel current = recoveryCase.escalation();
        EscalationLevel[] levels = EscalationLevel.values();
        if (current == levels[levels.length - 1]) {
            throw new TransitionException("escalate", state(recoveryCase), "already escalated to " + name(current));
        }
        EscalationLevel next = current == null ? levels[0] : levels[current.ordinal() + 1];
        Work work = new Work(recoveryCase, false);
        String stepId = recoveryCase.activeStep().map(Step::id).orElse(recoveryCase.steps().get(0).id());
        work.escalate(stepId, next, recoveryCase.team(), actor, now, reason == null ? "escalated by hand" : reason);
        return work.done();
    }

    /** Closed by an agent: steps not done are skipped (those whose clock ran count as not on time). */
    public CaseChange resolve(RecoveryCase recoveryCase, String note, String actor, Instant now) {
        requireNotResolved(recoveryCase, "resolve");
        Work work = new Work(recoveryCase, false);
        work.skipOpenSteps(now);
        work.log(now, "case-resolved", actor, note == null ? "resolved" : "resolved: " + note);
        work.resolve(now);
        return work.done();
    }

    /**
     * The missed promise that opened the case was kept after all (promise.miss-retracted). A case that covers only
     * that failure is withdrawn: resolved like an agent's resolve, its open steps skipped. A case that covers other
     * failures too stays as it is, one failure fewer; a resolved one only records it. Either way the timeline says
     * whether the customer already heard an apology or got a remedy, so an agent can tell them the promise was kept.
     */
    public CaseChange missRetracted(RecoveryCase recoveryCase, String promiseId, String reason, Instant now) {
        Work work = new Work(recoveryCase, false);
        String retracted = "promise " + promiseId + " was kept after all (" + reason + ")";
        if (recoveryCase.state() == CaseState.RESOLVED) {
            work.log(now, "miss-retracted", null, retracted + "; the case was already resolved"
                    + alreadyDone(recoveryCase));
            return work.done();
        }
        if (recoveryCase.failures() > 1) {
            int others = recoveryCase.failures() - 1;
            work.c = copy(work.c, work.c.state(), others);
            work.log(now, "miss-retracted", null, retracted + "; the case stays open for the " + others
                    + (others == 1 ? " other failure" : " other failures") + " it covers");
            return work.done();
        }
        work.skipOpenSteps(now);
        work.log(now, "miss-retracted", null, retracted + alreadyDone(recoveryCase));
        work.log(now, "case-resolved", null, "withdrawn: the failure it was opened for did not happen");
        work.resolve(now);
        return work.done();
    }

    /** What the customer has already received, which the agent may want to put right now that there was no failure. */
    private static String alreadyDone(RecoveryCase recoveryCase) {
        boolean apologised = recoveryCase.steps().stream().anyMatch(step -> step.kind() == StepKind.APOLOGY
                && (step.state() == StepState.DONE || step.outreach() == OutreachState.REQUESTED
                || step.outreach() == OutreachState.DELIVERED));
        String done = (apologised ? "; the apology was already sent to the customer" : "")
                + (recoveryCase.remedies().isEmpty() ? "" : "; " + recoveryCase.remedies().size()
                + (recoveryCase.remedies().size() == 1 ? " remedy was" : " remedies were") + " already given");
        return done.isEmpty() ? "" : done + ": follow up with the customer";
    }

    /** A resolved case opens again with one custom step, due within the policy's reopen window. */
    public CaseChange reopen(RecoveryCase recoveryCase, String reason, String actor, Policy policy, Instant now) {
        if (recoveryCase.state() != CaseState.RESOLVED) {
            throw new TransitionException("reopen", state(recoveryCase), null);
        }
        Work work = new Work(recoveryCase, false);
        work.c = withState(work.c, CaseState.OPEN, null, null);
        List<Step> steps = new ArrayList<>(work.c.steps());
        steps.add(Step.planned("s" + (steps.size() + 1), StepKind.CUSTOM,
                "Reopened: " + (reason == null ? "customer still unhappy" : reason), policy.reopenWindow(), null, "UTC",
                false, false, Duration.ZERO, null, null));
        work.setSteps(steps);
        work.log(now, "case-reopened", actor, reason == null ? "reopened" : "reopened: " + reason);
        startNext(work, policy, now);
        return work.done();
    }

    /** A step's start delay is over: it starts now. */
    public CaseChange startReached(RecoveryCase recoveryCase, String stepId, Policy policy, Instant now) {
        Work work = new Work(recoveryCase, false);
        Optional<Step> step = recoveryCase.state() == CaseState.OPEN
                ? recoveryCase.scheduledStep().filter(s -> s.id().equals(stepId)) : Optional.empty();
        if (step.isEmpty()) {
            work.log(now, "timer-ignored", null, "start of " + stepId + ", which is no longer waiting to start");
            return work.done();
        }
        start(work, step.get(), policy, now, true);
        return work.done();
    }

    /** The warning timer of a step (default at 75 % of its window). */
    public CaseChange warningReached(RecoveryCase recoveryCase, String stepId, Instant now) {
        Work work = new Work(recoveryCase, false);
        Optional<Step> step = current(recoveryCase, stepId);
        if (step.isEmpty() || step.get().warned()) {
            work.log(now, "timer-ignored", null, "warning for " + stepId + ", which is no longer running");
            return work.done();
        }
        work.replace(step.get().warnedNow());
        work.event(new RecoveryStepWarned(recoveryCase.customer().id(), recoveryCase.id(), stepId, step.get().kind(),
                utc(step.get().dueAt()), utc(now)));
        work.log(now, "step-warned", null, stepId + " " + name(step.get().kind()) + " is due at " + step.get().dueAt()
                + (recoveryCase.assignee() == null ? "; nobody is assigned" : "; assignee " + recoveryCase.assignee()));
        return work.done();
    }

    /** A step's deadline passed: it is overdue and climbs the ladder's first rungs. */
    public CaseChange dueReached(RecoveryCase recoveryCase, String stepId, Policy policy, Instant now) {
        Work work = new Work(recoveryCase, false);
        Optional<Step> step = current(recoveryCase, stepId);
        if (step.isEmpty() || step.get().overdue()) {
            work.log(now, "timer-ignored", null, "deadline of " + stepId + ", which is no longer running");
            return work.done();
        }
        work.event(new RecoveryStepOverdue(recoveryCase.customer().id(), recoveryCase.id(), stepId, step.get().kind(),
                utc(step.get().dueAt()), utc(now)));
        work.log(now, "step-overdue", null, stepId + " " + name(step.get().kind()) + " was due at " + step.get().dueAt());
        climb(work, step.get().ladder(true, 0, null), policy, now);
        return work.done();
    }

    /** The next rung of an overdue step's ladder (default: the manager 60 minutes after the breach). */
    public CaseChange escalationReached(RecoveryCase recoveryCase, String stepId, int rung, Policy policy, Instant now) {
        Work work = new Work(recoveryCase, false);
        Optional<Step> step = current(recoveryCase, stepId);
        if (step.isEmpty() || !step.get().overdue() || step.get().nextRung() != rung) {
            work.log(now, "timer-ignored", null, "escalation rung " + rung + " of " + stepId + ", no longer due");
            return work.done();
        }
        climb(work, step.get(), policy, now);
        return work.done();
    }

    /** Reaches every rung due by now, then sets the timer for the next one. */
    private void climb(Work work, Step step, Policy policy, Instant now) {
        int rung = step.nextRung();
        List<Policy.Rung> ladder = step.escalationLadder(policy);
        while (rung < ladder.size() && !now.isBefore(step.dueAt().plus(ladder.get(rung).after()))) {
            EscalationLevel level = ladder.get(rung).level();
            if (work.c.escalation() == null || level.compareTo(work.c.escalation()) > 0) {
                work.escalate(step.id(), level, work.c.team(), null, now, step.id() + " " + name(step.kind())
                        + " overdue since " + step.dueAt());
            }
            rung++;
        }
        Instant next = rung < ladder.size() ? step.dueAt().plus(ladder.get(rung).after()) : null;
        work.replace(step.ladder(true, rung, next));
        if (next == null) {
            work.timers.addAll(TimerOp.cancel(TimerOp.Role.ESCALATE));
        } else {
            work.timers.add(TimerOp.set(TimerOp.Role.ESCALATE, step, next, step.id() + "/" + rung));
        }
    }

    /**
     * Starts the first pending step, or schedules its start when it waits a while after the previous one, or resolves
     * the case when every step is done.
     */
    private void startNext(Work work, Policy policy, Instant now) {
        Optional<Step> next = work.c.steps().stream().filter(s -> s.state() == StepState.PENDING).findFirst();
        if (next.isEmpty()) {
            work.log(now, "case-resolved", null, "every step is done");
            work.resolve(now);
            return;
        }
        Step step = next.get();
        if (!step.waitsBeforeStart()) {
            start(work, step, policy, now, true);
            return;
        }
        Instant startAt = calendar(policy, step).plus(now, step.delay());
        work.replace(step.scheduled(startAt));
        work.cancelTimers();
        work.timers.add(TimerOp.set(TimerOp.Role.START, step, startAt, step.id()));
        work.log(now, "step-scheduled", null, step.id() + " " + name(step.kind()) + " starts at " + startAt + ", "
                + step.delay() + " after the previous step");
    }

    /** Starts the step's clock; a step that sends a message drafts it, and sends it unless an agent must approve. */
    private Step start(Work work, Step step, Policy policy, Instant now, boolean send) {
        BusinessCalendar calendar = calendar(policy, step);
        Instant anchor = step.fromOpen() ? work.c.openedAt() : now;
        Instant due = calendar.plus(anchor, step.window());
        Instant warn = calendar.plus(anchor, scale(step.window(), step.warningFraction(policy)));
        Step started = step.started(now, warn, due);
        work.replace(started);
        work.timers.add(TimerOp.set(TimerOp.Role.WARN, step, warn, step.id()));
        work.timers.add(TimerOp.set(TimerOp.Role.DUE, step, due, step.id()));
        work.timers.addAll(TimerOp.cancel(TimerOp.Role.ESCALATE));
        work.event(new RecoveryStepStarted(work.c.customer().id(), work.c.id(), step.id(), step.kind(), utc(now),
                utc(warn), utc(due)));
        work.log(now, "step-started", null, step.id() + " " + name(step.kind()) + " due " + due
                + (calendar.alwaysOpen() ? "" : " (" + step.window() + " of working time, calendar " + calendar.name()
                + " in " + calendar.zone() + ")"));
        if (!send || !step.sendsMessage()) {
            return started;
        }
        Message message = messages.render(step.kind(), work.c);
        Step drafted = started.message(work.c.id() + "/" + step.id(), OutreachState.AWAITING_APPROVAL,
                message.subject(), message.body());
        if (step.autoSend()) {
            work.request(drafted, message.locale(), now);
        } else {
            work.replace(drafted);
            work.log(now, "message-drafted", null, name(step.kind()) + " awaits an agent's approval");
        }
        return drafted;
    }

    /**
     * When a customer event says the step was done: the event's own time, but never before the step started (the event
     * cannot have answered a step not yet running) nor after now (a CRM clock running ahead).
     */
    private static Instant doneAt(Step step, Instant happenedAt, Instant now) {
        Instant atMostNow = happenedAt.isAfter(now) ? now : happenedAt;
        return step.startedAt() != null && atMostNow.isBefore(step.startedAt()) ? step.startedAt() : atMostNow;
    }

    private static Instant shift(BusinessCalendar calendar, Instant deadline, Instant pausedAt, Instant now) {
        if (deadline == null || !deadline.isAfter(pausedAt)) {
            return deadline;
        }
        return calendar.plus(now, calendar.between(pausedAt, deadline));
    }

    private static BusinessCalendar calendar(Policy policy, Step step) {
        BusinessCalendar calendar = policy.calendar(step.calendar());
        return calendar.alwaysOpen() ? calendar : calendar.in(ZoneId.of(step.zone()));
    }

    private static Optional<Step> current(RecoveryCase recoveryCase, String stepId) {
        return recoveryCase.state() == CaseState.OPEN
                ? recoveryCase.activeStep().filter(step -> step.id().equals(stepId))
                : Optional.empty();
    }

    private static Step active(RecoveryCase recoveryCase, String action) {
        return recoveryCase.activeStep().orElseThrow(() ->
                new TransitionException(action, state(recoveryCase), "no step is running"));
    }

    private static void requireKind(RecoveryCase recoveryCase, Step step, StepKind kind, String action) {
        if (step.kind() != kind) {
            throw new TransitionException(action, state(recoveryCase),
                    "the active step " + step.id() + " is " + name(step.kind()) + ", not " + name(kind));
        }
    }

    private static void requireOpen(RecoveryCase recoveryCase, String action) {
        if (recoveryCase.state() != CaseState.OPEN) {
            throw new TransitionException(action, state(recoveryCase), null);
        }
    }

    private static void requireNotResolved(RecoveryCase recoveryCase, String action) {
        if (recoveryCase.state() == CaseState.RESOLVED) {
            throw new TransitionException(action, state(recoveryCase), null);
        }
    }

    static Severity raise(Severity severity) {
        Severity[] all = Severity.values();
        return all[Math.min(severity.ordinal() + 1, all.length - 1)];
    }

    static Duration scale(Duration duration, double factor) {
        return Duration.ofMillis(Math.round(duration.toMillis() * factor));
    }

    private static String state(RecoveryCase recoveryCase) {
        return name(recoveryCase.state());
    }

    private static String name(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static OffsetDateTime utc(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    private static RecoveryCase copy(RecoveryCase c, CaseState state, int failures) {
        return new RecoveryCase(c.id(), c.customer(), c.team(), c.assignee(), c.severity(), c.trigger(), c.triggerRef(),
                c.failure(), c.repeat(), c.policyId(), c.policyVersion(), state, c.openedAt(), c.pausedAt(),
                c.resolvedAt(), c.escalation(), failures, c.steps(), c.remedies(), c.answers());
    }

    private static RecoveryCase withState(RecoveryCase c, CaseState state, Instant pausedAt, Instant resolvedAt) {
        return new RecoveryCase(c.id(), c.customer(), c.team(), c.assignee(), c.severity(), c.trigger(), c.triggerRef(),
                c.failure(), c.repeat(), c.policyId(), c.policyVersion(), state, c.openedAt(), pausedAt, resolvedAt,
                c.escalation(), c.failures(), c.steps(), c.remedies(), c.answers());
    }

    /** The change being built; kept private so that only finished, immutable {@link CaseChange}s leave the rules. */
    private final class Work {
        RecoveryCase c;
        final boolean created;
        final List<CustomerEvent> events = new ArrayList<>();
        final List<TimelineEntry> timeline = new ArrayList<>();
        final List<TimerOp> timers = new ArrayList<>();

        Work(RecoveryCase c, boolean created) {
            this.c = c;
            this.created = created;
        }

        void replace(Step step) {
            List<Step> steps = new ArrayList<>(c.steps());
            steps.replaceAll(s -> s.id().equals(step.id()) ? step : s);
            setSteps(steps);
        }

        void setSteps(List<Step> steps) {
            c = new RecoveryCase(c.id(), c.customer(), c.team(), c.assignee(), c.severity(), c.trigger(),
                    c.triggerRef(), c.failure(), c.repeat(), c.policyId(), c.policyVersion(), c.state(), c.openedAt(),
                    c.pausedAt(), c.resolvedAt(), c.escalation(), c.failures(), steps, c.remedies(), c.answers());
        }

        /** Steps not done (running, waiting to start or not reached) are skipped. */
        void skipOpenSteps(Instant now) {
            for (Step step : c.steps()) {
                if (step.state() == StepState.ACTIVE || step.state() == StepState.SCHEDULED
                        || step.state() == StepState.PENDING) {
                    replace(step.finished(StepState.SKIPPED, now));
                }
            }
        }

        void cancelTimers() {
            for (TimerOp.Kind kind : TimerOp.Kind.values()) {
                timers.add(TimerOp.cancel(kind));
            }
        }

        void event(CustomerEvent event) {
            events.add(event);
        }

        void log(Instant at, String type, String actor, String detail) {
            timeline.add(new TimelineEntry(at, type, actor, detail));
        }

        void request(Step step, String locale, Instant now) {
            Step requested = step.message(step.outreachId(), OutreachState.REQUESTED, step.subject(), step.body());
            replace(requested);
            Urgency urgency = switch (c.severity()) {
                case CRITICAL -> Urgency.IMMEDIATE;
                case HIGH -> Urgency.HIGH;
                default -> Urgency.NORMAL;
            };
            event(new OutreachRequested(c.customer().id(), step.outreachId(), c.id(), c.customer().channel(),
                    step.kind(), step.subject(), step.body(), urgency, locale, utc(now)));
            log(now, "outreach-requested", null, name(step.kind()) + " by " + name(c.customer().channel()) + ": "
                    + step.subject());
        }

        void escalate(String stepId, EscalationLevel level, String team, String actor, Instant now, String why) {
            c = new RecoveryCase(c.id(), c.customer(), c.team(), c.assignee(), c.severity(), c.trigger(),
                    c.triggerRef(), c.failure(), c.repeat(), c.policyId(), c.policyVersion(), c.state(), c.openedAt(),
                    c.pausedAt(), c.resolvedAt(), level, c.failures(), c.steps(), c.remedies(), c.answers());
            String to = name(level) + ":" + team;
            event(new RecoveryEscalated(c.customer().id(), c.id(), stepId, level, to, utc(now)));
            log(now, "case-escalated", actor, "to " + to + ": " + why);
        }

        /** The step was done at {@code doneAt}; what follows it starts now. */
        void complete(Step step, Instant doneAt, Instant now, Policy policy) {
            Step done = step.finished(StepState.DONE, doneAt);
            replace(done);
            cancelTimers();
            event(new RecoveryStepCompleted(c.customer().id(), c.id(), step.id(), step.kind(), utc(step.dueAt()),
                    utc(doneAt), done.onTime()));
            log(now, "step-completed", null, step.id() + " " + name(step.kind())
                    + (done.onTime() ? " on time" : " late (due " + step.dueAt() + ")"));
            startNext(this, policy, now);
        }

        void resolve(Instant now) {
            c = withState(c, CaseState.RESOLVED, null, now);
            cancelTimers();
            int onTime = (int) c.steps().stream().filter(Step::onTime).count();
            event(new RecoveryCaseResolved(c.customer().id(), c.id(), utc(now), utc(c.openedAt()), onTime,
                    c.steps().size()));
        }

        CaseChange done() {
            return new CaseChange(c, created, events, timeline, timers);
        }
    }
}
