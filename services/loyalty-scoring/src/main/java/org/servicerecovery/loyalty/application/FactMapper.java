package org.servicerecovery.loyalty.application;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.servicerecovery.events.CloudEvent;
import org.servicerecovery.events.CustomerEvent;
import org.servicerecovery.events.EventData;
import org.servicerecovery.events.EventType;
import org.servicerecovery.events.crm.ComplaintFiled;
import org.servicerecovery.events.crm.CustomerUpserted;
import org.servicerecovery.events.crm.FeedbackReceived;
import org.servicerecovery.events.domain.PromiseFulfilledLate;
import org.servicerecovery.events.domain.PromiseKept;
import org.servicerecovery.events.domain.PromiseMissRetracted;
import org.servicerecovery.events.domain.PromiseMissed;
import org.servicerecovery.events.domain.RecoveryCaseOpened;
import org.servicerecovery.events.domain.RecoveryCaseResolved;
import org.servicerecovery.events.domain.RecoveryEscalated;
import org.servicerecovery.events.domain.RecoveryStepCompleted;
import org.servicerecovery.loyalty.domain.Fact;

/** The part of an event that matters to the score, timed when it happened in the world; empty for other events. */
public final class FactMapper {

    private static final Set<String> SCORED = Stream.of(CustomerUpserted.class, ComplaintFiled.class, PromiseKept.class,
                    PromiseMissed.class, PromiseMissRetracted.class, PromiseFulfilledLate.class, FeedbackReceived.class, RecoveryCaseOpened.class,
                    RecoveryStepCompleted.class, RecoveryEscalated.class, RecoveryCaseResolved.class)
            .map(dataClass -> EventType.of(dataClass).type())
            .collect(Collectors.toUnmodifiableSet());

    /** How far ahead of our clock an event may be dated: producers' clocks drift, but not by days. */
    private static final Duration CLOCK_SKEW = Duration.ofDays(1);

    private FactMapper() {
    }

    /**
     * Refuses a fact dated further ahead than clocks drift (a year-9999 time, say), so that its event is dead-lettered:
     * a score is as of its latest fact, so such a fact would stay the latest for ever and every later one would count
     * as older than it, freezing the score.
     */
    static Fact notFromTheFuture(Fact fact, Instant now) {
        if (fact.at().isAfter(now.plus(CLOCK_SKEW))) {
            throw new IllegalArgumentException("event " + fact.eventId() + " is dated " + fact.at()
                    + ", more than " + CLOCK_SKEW.toHours() + " hours ahead of now (" + now + ")");
        }
        return fact;
    }

    /** Whether the event's type is one the score is computed from. */
    public static boolean scores(CloudEvent event) {
        return SCORED.contains(event.type());
    }

    static Optional<Fact> toFact(CloudEvent event, CustomerEvent data) {
        String id = event.id();
        if (data instanceof CustomerUpserted customer) {
            return Optional.of(new Fact.Profile(id, eventTime(event), customer.tier(), customer.accountTeam()));
        }
        if (data instanceof ComplaintFiled complaint) {
            return Optional.of(new Fact.Complaint(id, complaint.occurredAt().toInstant(), complaint.complaintId(), complaint.severity()));
        }
        if (data instanceof PromiseKept kept) {
            return Optional.of(new Fact.PromiseKept(id, kept.fulfilledAt().toInstant(), kept.promiseId()));
        }
        if (data instanceof PromiseMissed missed) {
            return Optional.of(new Fact.PromiseMissed(id, missed.detectedAt().toInstant(), missed.promiseId()));
        }
        if (data instanceof PromiseMissRetracted retracted) {
            // The retraction happened when promise-tracking learnt of the fulfilment, which is its event time.
            Instant at = Optional.ofNullable(event.time()).map(OffsetDateTime::toInstant)
                    .orElse(retracted.missedAt().toInstant());
            return Optional.of(new Fact.PromiseMissRetracted(id, at, retracted.promiseId()));
        }
        if (data instanceof PromiseFulfilledLate late) {
            return Optional.of(new Fact.PromiseFulfilledLate(id, late.fulfilledAt().toInstant(), late.promiseId()));
        }
        if (data instanceof FeedbackReceived feedback) {
            int answers = (int) Stream.of(feedback.improveOneThing(), feedback.additionalValue(), feedback.bestExperience())
                    .filter(answer -> answer != null && !answer.isBlank()).count();
            return Optional.of(new Fact.Feedback(id, feedback.receivedAt().toInstant(), feedback.rating(), answers));
        }
        if (data instanceof RecoveryCaseOpened opened) {
            return Optional.of(new Fact.CaseOpened(id, opened.openedAt().toInstant(), opened.caseId(), opened.triggerRef()));
        }
        if (data instanceof RecoveryStepCompleted step) {
            return Optional.of(new Fact.StepCompleted(id, step.completedAt().toInstant(), step.caseId(), step.kind(), step.onTime()));
        }
        if (data instanceof RecoveryEscalated escalated) {
            return Optional.of(new Fact.CaseEscalated(id, escalated.escalatedAt().toInstant(), escalated.caseId()));
        }
        if (data instanceof RecoveryCaseResolved resolved) {
            return Optional.of(new Fact.CaseResolved(id, resolved.resolvedAt().toInstant(), resolved.caseId(),
                    resolved.stepsOnTime(), resolved.stepsTotal()));
        }
        return Optional.empty();
    }

    /** A profile has no business time of its own: the CRM's event time, which CloudEvents makes optional. */
    private static Instant eventTime(CloudEvent event) {
        return Optional.ofNullable(event.time()).map(OffsetDateTime::toInstant).orElse(Instant.EPOCH);
    }

    static CustomerEvent data(CloudEvent event) {
        return EventData.read(event);
    }
}
