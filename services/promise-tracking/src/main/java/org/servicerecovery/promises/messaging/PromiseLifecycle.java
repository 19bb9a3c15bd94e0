package org.servicerecovery.promises.messaging;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.servicerecovery.events.CloudEvent;
import org.servicerecovery.events.CustomerEvent;
import org.servicerecovery.events.EventData;
import org.servicerecovery.events.crm.CommitmentCancelled;
import org.servicerecovery.events.crm.CommitmentFulfilled;
import org.servicerecovery.events.crm.CommitmentMade;
import org.servicerecovery.events.crm.CommitmentRescheduled;
import org.servicerecovery.events.crm.CustomerUpserted;
import org.servicerecovery.promises.domain.Change;
import org.servicerecovery.promises.domain.HistoryEntry;
import org.servicerecovery.promises.domain.Promise;
import org.servicerecovery.promises.domain.PromiseRules;
import org.servicerecovery.promises.persistence.PromiseStore;
import org.servicerecovery.reliability.InOrder;
import org.servicerecovery.reliability.inbox.ProcessedEvents;

import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;

/**
 * Everything that happens to promises, each in one transaction: inbound events (once per event, via the
 * idempotent-consumer record) and fired timers (inside the timer's own transaction). Each returns the domain events it
 * committed, for the metrics.
 */
@ApplicationScoped
public class PromiseLifecycle {

    static final String CONSUMER = "promise-tracking";

    private final PromiseRules rules;
    private final PromiseStore store;
    private final ChangeWriter writer;
    private final ProcessedEvents processed;
    private final Clock clock;

    PromiseLifecycle(PromiseRules rules, PromiseStore store, ChangeWriter writer, ProcessedEvents processed, Clock clock) {
        this.rules = rules;
        this.store = store;
        this.writer = writer;
        this.processed = processed;
        this.clock = clock;
    }

    /**
     * commitment.* and customer.upserted events from intake, applied in their order in one transaction; a redelivery,
     * also a second copy in the same list, changes nothing.
     */
    @WithTransaction
    public Uni<List<CustomerEvent>> apply(List<CloudEvent> events) {
        List<CustomerEvent> published = new ArrayList<>();
        return InOrder.forEach(events, event -> Uni.createFrom().item(() -> EventData.read(event))
                        .chain(data -> processed.firstDelivery(CONSUMER, event)
                                .chain(first -> first ? dispatch(event, data, clock.instant())
                                        : Uni.createFrom().item(List.<CustomerEvent>of())))
                        .invoke(published::addAll))
                .replaceWith(published);
    }

    /** The deadlines of these promises came; runs inside the transaction of their firing timers. */
    public Uni<List<CustomerEvent>> dueReached(List<String> promiseIds) {
        Instant now = clock.instant();
        return store.lockAll(promiseIds)
                .chain(promises -> writeAll(promises.stream().map(promise -> rules.dueReached(promise, now)).toList(), now));
    }

    /** The warnings of these promises came; runs inside the transaction of their firing timers. */
    public Uni<List<CustomerEvent>> atRiskReached(List<String> promiseIds) {
        Instant now = clock.instant();
        return store.lockAll(promiseIds)
                .chain(promises -> writeAll(promises.stream().map(promise -> rules.atRiskReached(promise, now)).toList(), now));
    }

    private Uni<List<CustomerEvent>> dispatch(CloudEvent event, CustomerEvent data, Instant now) {
        if (data instanceof CustomerUpserted customer) {
            return store.saveTier(customer.customerId(), customer.tier()).replaceWith(List.of());
        }
        if (data instanceof CommitmentMade made) {
            return make(made, now);
        }
        String promiseId = commitmentId(data);
        return store.lockWithTimers(promiseId).chain(found -> found.isPresent()
                ? write(decide(found.get(), data, now), now)
                : keepUntilMade(promiseId, event, now));
    }

    private Uni<List<CustomerEvent>> make(CommitmentMade made, Instant now) {
        return store.lock(made.commitmentId()).chain(existing -> existing.isPresent()
                ? write(rules.madeAgain(existing.get(), now), now)
                : store.tierOf(made.customerId()).chain(tier -> {
                    Change change = rules.make(made, tier, now);
                    return writer.insert(change, now)
                            .chain(() -> store.takeEarly(made.commitmentId()))
                            .chain(early -> applyInOrder(change.promise(), early, 0, new ArrayList<>(change.events()), now));
                }));
    }

    /** Applies the events that arrived before the commitment, one after the other, as if they had come after it. */
    private Uni<List<CustomerEvent>> applyInOrder(Promise promise, List<CloudEvent> early, int next,
                                                  List<CustomerEvent> published, Instant now) {
        if (next == early.size()) {
            return Uni.createFrom().item(published);
        }
        Change change = decide(promise, EventData.read(early.get(next)), now);
        published.addAll(change.events());
        return writer.update(change, now)
                .chain(() -> applyInOrder(change.promise(), early, next + 1, published, now));
    }

    private Uni<List<CustomerEvent>> keepUntilMade(String promiseId, CloudEvent event, Instant now) {
        return store.keepEarly(promiseId, event, now)
                .chain(() -> store.addHistory(promiseId, List.of(new HistoryEntry(now, "received-early",
                        event.type() + " arrived before commitment.made; it is applied when the commitment arrives"))))
                .replaceWith(List.of());
    }

    private Change decide(Promise promise, CustomerEvent data, Instant now) {
        if (data instanceof CommitmentFulfilled fulfilled) {
            return rules.fulfil(promise, fulfilled.fulfilledAt().toInstant(), now);
        }
        if (data instanceof CommitmentRescheduled rescheduled) {
            return rules.reschedule(promise, rescheduled.newDueAt().toInstant(), rescheduled.agreedWithCustomer(),
                    rescheduled.reason(), now);
        }
        if (data instanceof CommitmentCancelled cancelled) {
            return rules.cancel(promise, cancelled.reason(), now);
        }
        throw new IllegalArgumentException("not a commitment event: " + data.getClass().getSimpleName());
    }

    private Uni<List<CustomerEvent>> write(Change change, Instant now) {
        return writer.update(change, now).replaceWith(change.events());
    }

    private Uni<List<CustomerEvent>> writeAll(List<Change> changes, Instant now) {
        return writer.updateAll(changes, now)
                .replaceWith(() -> changes.stream().flatMap(change -> change.events().stream()).toList());
    }

    private static String commitmentId(CustomerEvent data) {
        if (data instanceof CommitmentFulfilled fulfilled) {
            return fulfilled.commitmentId();
        }
        if (data instanceof CommitmentRescheduled rescheduled) {
            return rescheduled.commitmentId();
        }
        if (data instanceof CommitmentCancelled cancelled) {
            return cancelled.commitmentId();
        }
        throw new IllegalArgumentException("not a commitment event: " + data.getClass().getSimpleName());
    }
}
