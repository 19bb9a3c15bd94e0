package org.servicerecovery.recovery.application;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import jakarta.enterprise.context.ApplicationScoped;

import org.servicerecovery.events.CloudEvent;
import org.servicerecovery.events.CustomerEvent;
import org.servicerecovery.events.EventData;
import org.servicerecovery.events.crm.ComplaintFiled;
import org.servicerecovery.events.crm.CustomerUpserted;
import org.servicerecovery.events.crm.FeedbackReceived;
import org.servicerecovery.events.crm.OutreachDelivered;
import org.servicerecovery.events.domain.PromiseMissRetracted;
import org.servicerecovery.events.domain.PromiseMissed;
import org.servicerecovery.events.domain.RecoveryTrigger;
import org.servicerecovery.recovery.domain.Answers;
import org.servicerecovery.recovery.domain.CaseChange;
import org.servicerecovery.recovery.domain.CaseState;
import org.servicerecovery.recovery.domain.Customer;
import org.servicerecovery.recovery.domain.Policy;
import org.servicerecovery.recovery.domain.RecoveryCase;
import org.servicerecovery.recovery.domain.RecoveryRules;
import org.servicerecovery.recovery.domain.TimerOp;
import org.servicerecovery.recovery.domain.Trigger;
import org.servicerecovery.recovery.persistence.CaseStore;
import org.servicerecovery.recovery.persistence.PolicyCatalog;
import org.servicerecovery.reliability.InOrder;

import io.smallrye.mutiny.Uni;

/**
 * Everything that happens to cases without an agent: the first deliveries of a polled batch of inbound events, in the
 * transaction of the consumer's unit of work, and fired timers, in the timer's own transaction. Each returns the domain
 * events it committed, for the metrics.
 */
@ApplicationScoped
public class RecoveryLifecycle {

    /**
     * The inbound consumer's name: its idempotent-consumer records and the scope of its customer locks, which agent
     * actions take too ({@link CaseCommands}).
     */
    public static final String CONSUMER = "recovery-escalation";

    /**
     * What the events of one transaction share: the current policy (read once), the customers and their latest cases
     * (read and locked once, then kept up to date by the batch's own changes) and the changes made so far.
     */
    private static final class Batch {
        final Uni<Policy> current;
        final Map<String, Customer> customers;
        final Map<String, RecoveryCase> latestCases;
        final List<CaseChangeWriter.Staged> staged = new ArrayList<>();
        /** The customers' latest profiles from the batch's customer.upserted, written at its end. */
        final Map<String, CustomerUpserted> upserted = new LinkedHashMap<>();

        Batch(Uni<Policy> current, Map<String, Customer> customers, Map<String, RecoveryCase> latestCases) {
            this.current = current;
            this.customers = new HashMap<>(customers);
            this.latestCases = new HashMap<>(latestCases);
        }

        void add(CaseChangeWriter.Staged change) {
            staged.add(change);
            RecoveryCase changed = change.change().recoveryCase();
            latestCases.merge(changed.customer().id(), changed,
                    (latest, other) -> other.openedAt().isBefore(latest.openedAt()) ? latest : other);
        }
    }

    private final RecoveryRules rules;
    private final CaseStore store;
    private final PolicyCatalog policies;
    private final CaseChangeWriter writer;
    private final Clock clock;

    RecoveryLifecycle(RecoveryRules rules, CaseStore store, PolicyCatalog policies, CaseChangeWriter writer,
                      Clock clock) {
        this.rules = rules;
        this.store = store;
        this.policies = policies;
        this.writer = writer;
        this.clock = clock;
    }

    /**
     * The unit of work of the inbound consumer ({@code CustomerUnitOfWork}), inside its transaction: the batch's
     * customers are locked and {@code firstDeliveries} holds only the events this consumer had not seen, in their
     * order. The customers and their latest cases are read once for the whole batch.
     */
    public Uni<List<CustomerEvent>> applyFirstDeliveries(List<CloudEvent> firstDeliveries) {
        return Uni.createFrom().item(() -> firstDeliveries.stream().map(RecoveryLifecycle::read).toList())
                .chain(data -> {
                    Set<String> customers = data.stream().map(CustomerEvent::customerId).filter(Objects::nonNull)
                            .collect(Collectors.toSet());
                    // Only a failure can open or join a case: other events leave the customers' cases unlocked.
                    Set<String> failing = data.stream().filter(RecoveryLifecycle::mayOpenACase)
                            .map(CustomerEvent::customerId).filter(Objects::nonNull).collect(Collectors.toSet());
                    return store.customers(customers).chain(known -> store.latestOf(failing)
                            .chain(latest -> applyInOrder(firstDeliveries, data,
                                    new Batch(policies.current().memoize().indefinitely(), known, latest))));
                });
    }

    /**
     * The unit locks the event's subject: an event about another customer than its subject would change that
     * customer unlocked, so it is refused (and dead-lettered on its own).
     */
    private static CustomerEvent read(CloudEvent event) {
        CustomerEvent data = EventData.read(event);
        if (!Objects.equals(data.customerId(), event.subject())) {
            throw new IllegalArgumentException("event " + event.id() + " is about customer " + data.customerId()
                    + " but its subject is " + event.subject());
        }
        return data;
    }

    private static boolean mayOpenACase(CustomerEvent event) {
        return event instanceof ComplaintFiled || event instanceof PromiseMissed || event instanceof FeedbackReceived;
    }

    private Uni<List<CustomerEvent>> applyInOrder(List<CloudEvent> events, List<CustomerEvent> data, Batch batch) {
        return InOrder.forEach(IntStream.range(0, events.size()).boxed().toList(),
                        i -> dispatch(events.get(i), data.get(i), clock.instant(), batch))
                .chain(() -> store.saveCustomers(batch.upserted.values()))
                .chain(() -> writer.writeRest(batch.staged)).map(ignored -> batch.staged.stream()
                        .flatMap(staged -> staged.change().events().stream()).toList());
    }

    /** Runs inside the transaction of the firing timer. */
    public Uni<List<CustomerEvent>> timerFired(TimerOp.Kind kind, String caseId, String payload) {
        Instant now = clock.instant();
        return store.lock(caseId).chain(found -> found.isEmpty()
                ? Uni.createFrom().item(List.<CustomerEvent>of())
                : policies.version(found.get().policyVersion()).chain(policy -> {
                    RecoveryCase c = found.get();
                    CaseChange change = switch (kind.role()) {
                        case START -> rules.startReached(c, payload, policy, now);
                        case WARN -> rules.warningReached(c, payload, now);
                        case DUE -> rules.dueReached(c, payload, policy, now);
                        case ESCALATE -> rules.escalationReached(c, payload.substring(0, payload.indexOf('/')),
                                Integer.parseInt(payload.substring(payload.indexOf('/') + 1)), policy, now);
                    };
                    return writer.write(change, now).map(CaseChange::events);
                }));
    }

    private Uni<Void> dispatch(CloudEvent event, CustomerEvent data, Instant now, Batch batch) {
        if (data instanceof CustomerUpserted customer) {
            batch.customers.put(customer.customerId(), Customer.of(customer));
            batch.upserted.put(customer.customerId(), customer);
            return Uni.createFrom().voidItem();
        }
        if (data instanceof ComplaintFiled complaint) {
            return open(complaint.customerId(), new Trigger(RecoveryTrigger.COMPLAINT, complaint.complaintId(),
                    complaint.severity(), complaint.category(), complaint.channel(), null,
                    "your complaint: " + complaint.summary()), now, batch);
        }
        if (data instanceof PromiseMissed missed) {
            return open(missed.customerId(), new Trigger(RecoveryTrigger.MISSED_PROMISE, missed.promiseId(), null, null,
                    null, missed.team(), "we promised to " + missed.description() + " by " + missed.dueAt()
                    + " and did not keep that promise"), now, batch);
        }
        if (data instanceof PromiseMissRetracted retracted) {
            return missRetracted(retracted, now, batch);
        }
        if (data instanceof FeedbackReceived feedback) {
            return feedback(event, feedback, now, batch);
        }
        if (data instanceof OutreachDelivered delivered) {
            String outreachId = delivered.outreachId();
            int slash = outreachId.lastIndexOf('/');
            if (slash < 0) {
                return Uni.createFrom().voidItem(); // not one of ours
            }
            return store.lockWithTimers(outreachId.substring(0, slash)).chain(found -> found.isEmpty()
                    ? Uni.createFrom().voidItem()
                    : policies.version(found.get().policyVersion()).chain(policy -> stage(
                            rules.outreachDelivered(found.get(), outreachId, delivered.deliveredAt().toInstant(),
                                    policy, now), now, batch)));
        }
        return Uni.createFrom().voidItem();
    }

    /** Answers to a follow-up complete it; a detractor's rating (≤ 6 by default) is a failure of its own. */
    private Uni<Void> feedback(CloudEvent event, FeedbackReceived feedback, Instant now, Batch batch) {
        Uni<Boolean> answered = feedback.caseId() == null || feedback.improveOneThing() == null
                ? Uni.createFrom().item(false)
                : store.lockWithTimers(feedback.caseId()).chain(found -> {
                    if (found.isEmpty() || found.get().state() != CaseState.OPEN
                            || found.get().awaitingAnswers().isEmpty()) {
                        return Uni.createFrom().item(false);
                    }
                    return policies.version(found.get().policyVersion()).chain(policy -> stage(
                            rules.recordAnswers(found.get(), new Answers(feedback.improveOneThing(),
                                    feedback.additionalValue(), feedback.bestExperience()), "customer",
                                    feedback.receivedAt().toInstant(), policy, now),
                            now, batch)).replaceWith(true);
                });
        return answered.chain(done -> done ? Uni.createFrom().voidItem()
                : batch.current.chain(policy -> feedback.rating() > policy.detractorMaxRating()
                        ? Uni.createFrom().voidItem()
                        : open(feedback.customerId(), new Trigger(RecoveryTrigger.DETRACTOR_FEEDBACK, event.id(), null,
                                null, null, null, "you rated us " + feedback.rating() + " out of 10"), now, batch)));
    }

    /**
     * The case the promise's miss opened. The batch already holds it, locked, when it is the latest case of a customer
     * with a failure in the batch (perhaps opened by the batch itself, so not to be looked up in the table); otherwise
     * it is found by its trigger_ref and locked now, its timers first.
     */
    private Uni<Void> missRetracted(PromiseMissRetracted retracted, Instant now, Batch batch) {
        RecoveryCase latest = batch.latestCases.get(retracted.customerId());
        Uni<Optional<RecoveryCase>> opened = latest != null && latest.trigger() == RecoveryTrigger.MISSED_PROMISE
                && latest.triggerRef().equals(retracted.promiseId())
                ? Uni.createFrom().item(Optional.of(latest))
                : store.lockOpenedFor(retracted.customerId(), RecoveryTrigger.MISSED_PROMISE, retracted.promiseId());
        return opened.chain(found -> found.isEmpty() ? Uni.createFrom().voidItem()
                : stage(rules.missRetracted(found.get(), retracted.promiseId(), retracted.reason(), now), now, batch));
    }

    /** The customer's lock and its latest case are already held (see {@link #applyFirstDeliveries(List)}). */
    private Uni<Void> open(String customerId, Trigger trigger, Instant now, Batch batch) {
        return batch.current
                .map(policy -> rules.open(trigger, batch.customers.getOrDefault(customerId, Customer.unknown(customerId)),
                        Optional.ofNullable(batch.latestCases.get(customerId)), policy, "rc-" + UUID.randomUUID(), now))
                .chain(change -> stage(change, now, batch));
    }

    /** Saves the case row now, for the batch's later events; the rest is written at the end of the batch. */
    private Uni<Void> stage(CaseChange change, Instant now, Batch batch) {
        return writer.stage(change, now).invoke(batch::add).replaceWithVoid();
    }
}
