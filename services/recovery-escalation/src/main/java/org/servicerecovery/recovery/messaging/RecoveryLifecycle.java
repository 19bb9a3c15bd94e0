package org.servicerecovery.recovery.messaging;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.servicerecovery.events.CloudEvent;
import org.servicerecovery.events.CustomerEvent;
import org.servicerecovery.events.EventData;
import org.servicerecovery.events.crm.ComplaintFiled;
import org.servicerecovery.events.crm.CustomerUpserted;
import org.servicerecovery.events.crm.FeedbackReceived;
import org.servicerecovery.events.crm.OutreachDelivered;
import org.servicerecovery.events.domain.PromiseMissed;
import org.servicerecovery.events.domain.RecoveryTrigger;
import org.servicerecovery.events.domain.StepKind;
import org.servicerecovery.recovery.domain.Answers;
import org.servicerecovery.recovery.domain.CaseState;
import org.servicerecovery.recovery.domain.Change;
import org.servicerecovery.recovery.domain.RecoveryCase;
import org.servicerecovery.recovery.domain.RecoveryRules;
import org.servicerecovery.recovery.domain.TimerOp;
import org.servicerecovery.recovery.domain.Trigger;
import org.servicerecovery.recovery.persistence.CaseStore;
import org.servicerecovery.recovery.persistence.PolicyCatalog;
import org.servicerecovery.reliability.inbox.ProcessedEvents;

import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;

/**
 * Everything that happens to cases without an agent, each in one transaction: inbound events (once per event, via the
 * idempotent-consumer record) and fired timers (inside the timer's own transaction). Each returns the domain events it
 * committed, for the metrics.
 */
@ApplicationScoped
public class RecoveryLifecycle {

    static final String CONSUMER = "recovery-escalation";

    private final RecoveryRules rules;
    private final CaseStore store;
    private final PolicyCatalog policies;
    private final ChangeWriter writer;
    private final ProcessedEvents processed;
    private final Clock clock;

    RecoveryLifecycle(RecoveryRules rules, CaseStore store, PolicyCatalog policies, ChangeWriter writer,
                      ProcessedEvents processed, Clock clock) {
        this.rules = rules;
        this.store = store;
        this.policies = policies;
        this.writer = writer;
        this.processed = processed;
        this.clock = clock;
    }

    /** An event from intake.events or promise.events; a redelivery changes nothing. */
    @WithTransaction
    public Uni<List<CustomerEvent>> apply(CloudEvent event) {
        return Uni.createFrom().item(() -> EventData.read(event))
                .chain(data -> processed.firstDelivery(CONSUMER, event)
                        .chain(first -> first ? dispatch(event, data, clock.instant()) : Uni.createFrom().item(List.of())));
    }

    /** Runs inside the transaction of the firing timer. */
    public Uni<List<CustomerEvent>> timerFired(TimerOp.Kind kind, String caseId, String payload) {
        Instant now = clock.instant();
        return store.lock(caseId).chain(found -> found.isEmpty()
                ? Uni.createFrom().item(List.<CustomerEvent>of())
                : policies.version(found.get().policyVersion()).chain(policy -> {
                    RecoveryCase c = found.get();
                    Change change = switch (kind) {
                        case WARN -> rules.warningReached(c, payload, now);
                        case DUE -> rules.dueReached(c, payload, policy, now);
                        case ESCALATE -> rules.escalationReached(c, payload.substring(0, payload.indexOf('/')),
                                Integer.parseInt(payload.substring(payload.indexOf('/') + 1)), policy, now);
                    };
                    return writer.write(change, now).map(Change::events);
                }));
    }

    private Uni<List<CustomerEvent>> dispatch(CloudEvent event, CustomerEvent data, Instant now) {
        if (data instanceof CustomerUpserted customer) {
            return store.saveCustomer(customer).replaceWith(List.of());
        }
        if (data instanceof ComplaintFiled complaint) {
            return open(complaint.customerId(), new Trigger(RecoveryTrigger.COMPLAINT, complaint.complaintId(),
                    complaint.severity(), complaint.category(), complaint.channel(), null,
                    "your complaint: " + complaint.summary()), now);
        }
        if (data instanceof PromiseMissed missed) {
            return open(missed.customerId(), new Trigger(RecoveryTrigger.MISSED_PROMISE, missed.promiseId(), null, null,
                    null, missed.team(), "we promised to " + missed.description() + " by " + missed.dueAt()
                    + " and did not keep that promise"), now);
        }
        if (data instanceof FeedbackReceived feedback) {
            return feedback(event, feedback, now);
        }
        if (data instanceof OutreachDelivered delivered) {
            String outreachId = delivered.outreachId();
            int slash = outreachId.lastIndexOf('/');
            if (slash < 0) {
                return Uni.createFrom().item(List.of()); // not one of ours
            }
            return store.lockWithTimers(outreachId.substring(0, slash)).chain(found -> found.isEmpty()
                    ? Uni.createFrom().item(List.<CustomerEvent>of())
                    : policies.version(found.get().policyVersion()).chain(policy -> writer.write(
                            rules.outreachDelivered(found.get(), outreachId, policy, now), now).map(Change::events)));
        }
        return Uni.createFrom().item(List.of());
    }

    /** Answers to a follow-up complete it; a detractor's rating (≤ 6 by default) is a failure of its own. */
    private Uni<List<CustomerEvent>> feedback(CloudEvent event, FeedbackReceived feedback, Instant now) {
        Uni<Boolean> answered = feedback.caseId() == null || feedback.improveOneThing() == null
                ? Uni.createFrom().item(false)
                : store.lockWithTimers(feedback.caseId()).chain(found -> {
                    if (found.isEmpty() || found.get().state() != CaseState.OPEN || found.get().activeStep()
                            .filter(step -> step.kind() == StepKind.FOLLOW_UP).isEmpty()) {
                        return Uni.createFrom().item(false);
                    }
                    return policies.version(found.get().policyVersion()).chain(policy -> writer.write(
                            rules.recordAnswers(found.get(), new Answers(feedback.improveOneThing(),
                                    feedback.additionalValue(), feedback.bestExperience()), "customer", policy, now),
                            now)).replaceWith(true);
                });
        return answered.chain(done -> done ? Uni.createFrom().item(List.<CustomerEvent>of())
                : policies.current().chain(policy -> feedback.rating() > policy.detractorMaxRating()
                        ? Uni.createFrom().item(List.<CustomerEvent>of())
                        : open(feedback.customerId(), new Trigger(RecoveryTrigger.DETRACTOR_FEEDBACK, event.id(), null,
                                null, null, null, "you rated us " + feedback.rating() + " out of 10"), now)));
    }

    private Uni<List<CustomerEvent>> open(String customerId, Trigger trigger, Instant now) {
        return store.lockCustomer(customerId)
                .chain(() -> policies.current())
                .chain(policy -> store.customer(customerId)
                        .chain(customer -> store.latestOf(customerId)
                                .map(latest -> rules.open(trigger, customer, latest, policy, "rc-" + UUID.randomUUID(),
                                        now))))
                .chain(change -> writer.write(change, now))
                .map(Change::events);
    }
}
