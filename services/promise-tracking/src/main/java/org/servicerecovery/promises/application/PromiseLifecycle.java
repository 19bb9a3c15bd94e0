package org.servicerecovery.promises.application;

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
import org.servicerecovery.promises.domain.PromiseChange;
import org.servicerecovery.promises.domain.HistoryEntry;
import org.servicerecovery.promises.domain.Promise;
import org.servicerecovery.promises.domain.PromiseRules;
import org.servicerecovery.promises.persistence.PromiseStore;
import org.servicerecovery.reliability.InOrder;

import io.smallrye.mutiny.Uni;

/**
 * Everything that happens to promises: inbound events (inside the consumer's unit of work, which holds their customers'
 * locks and has recorded them as delivered) and fired timers (inside the timer's own transaction). Each returns the
 * domain events it committed, for the metrics.
 */
@ApplicationScoped
public class PromiseLifecycle {

    private final PromiseRules rules;
    private final PromiseStore store;
    private final PromiseChangeWriter writer;
    private final Clock clock;

    PromiseLifecycle(PromiseRules rules, PromiseStore store, PromiseChangeWriter writer, Clock clock) {
        this.rules = rules;
        this.store = store;
        this.writer = writer;
        this.clock = clock;
    }

    /**
     * commitment.* and customer.upserted events from intake, seen for the first time, applied in their order in the
     * caller's transaction. That transaction holds the locks of the events' customers (their CloudEvents subjects), and
     * an event changes only a promise of its own customer: one naming another customer's commitment fails (and is
     * dead-lettered) before locking anything. So two transactions that lock the same promises hold the same customers
     * and the second waits for the first before locking any promise, whatever order their events come in.
     * The promise rows are written as each event is applied; their history, timers and events at the end, together.
     */
    public Uni<List<CustomerEvent>> applyFirstDeliveries(List<CloudEvent> events) {
        List<CustomerEvent> published = new ArrayList<>();
        PromiseChangeWriter.Pending pending = new PromiseChangeWriter.Pending();
        return InOrder.forEach(events, event -> Uni.createFrom().item(() -> EventData.read(event))
                        .chain(data -> dispatch(event, data, clock.instant(), pending))
                        .invoke(published::addAll))
                .chain(() -> writer.write(pending))
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

    private Uni<List<CustomerEvent>> dispatch(CloudEvent event, CustomerEvent data, Instant now,
                                              PromiseChangeWriter.Pending pending) {
        if (!data.customerId().equals(event.subject())) {
            return Uni.createFrom().failure(new IllegalArgumentException(event.type() + " " + event.id()
                    + " is about customer " + data.customerId() + " but its subject is " + event.subject()));
        }
        if (data instanceof CustomerUpserted customer) {
            return store.saveTier(customer.customerId(), customer.tier()).replaceWith(List.of());
        }
        if (data instanceof CommitmentMade made) {
            return make(event, made, now, pending);
        }
        String promiseId = commitmentId(data);
        return store.lockWithTimers(promiseId, event.subject()).chain(found -> found.isPresent()
                ? write(decide(found.get(), data, now), now, pending)
                : store.customerOf(promiseId).chain(other -> other.isPresent()
                        ? Uni.createFrom().failure(notTheirs(event, promiseId))
                        : keepUntilMade(promiseId, event, now, pending)));
    }

    private Uni<List<CustomerEvent>> make(CloudEvent event, CommitmentMade made, Instant now,
                                          PromiseChangeWriter.Pending pending) {
        return store.customerOf(made.commitmentId()).chain(customer -> {
            if (customer.isEmpty()) {
                return store.tierOf(made.customerId()).chain(tier -> {
                    PromiseChange change = rules.make(made, tier, now);
                    return writer.insert(change, now, pending)
                            .chain(() -> store.takeEarly(made.commitmentId()))
                            .chain(early -> applyInOrder(change.promise(), early, 0, new ArrayList<>(change.events()), now,
                                    pending));
                });
            }
            if (!customer.get().equals(made.customerId())) {
                return Uni.createFrom().failure(notTheirs(event, made.commitmentId()));
            }
            return store.lock(made.commitmentId())
                    .chain(existing -> write(rules.madeAgain(existing.orElseThrow(), now), now, pending));
        });
    }

    /** Applies the events that arrived before the commitment, one after the other, as if they had come after it. */
    private Uni<List<CustomerEvent>> applyInOrder(Promise promise, List<CloudEvent> early, int next,
                                                  List<CustomerEvent> published, Instant now,
                                                  PromiseChangeWriter.Pending pending) {
        if (next == early.size()) {
            return Uni.createFrom().item(published);
        }
        CloudEvent event = early.get(next);
        if (!promise.customerId().equals(event.subject())) {
            pending.history(promise.id(), new HistoryEntry(now, "ignored", event.type()
                    + " received early from another customer (" + event.subject() + ") does not apply"));
            return applyInOrder(promise, early, next + 1, published, now, pending);
        }
        PromiseChange change = decide(promise, EventData.read(event), now);
        published.addAll(change.events());
        return writer.update(change, now, pending)
                .chain(() -> applyInOrder(change.promise(), early, next + 1, published, now, pending));
    }

    private Uni<List<CustomerEvent>> keepUntilMade(String promiseId, CloudEvent event, Instant now,
                                                   PromiseChangeWriter.Pending pending) {
        return store.keepEarly(promiseId, event, now)
                .invoke(() -> pending.history(promiseId, new HistoryEntry(now, "received-early",
                        event.type() + " arrived before commitment.made; it is applied when the commitment arrives")))
                .replaceWith(List.of());
    }

    private PromiseChange decide(Promise promise, CustomerEvent data, Instant now) {
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

    private Uni<List<CustomerEvent>> write(PromiseChange change, Instant now, PromiseChangeWriter.Pending pending) {
        return writer.update(change, now, pending).replaceWith(change.events());
    }

    private Uni<List<CustomerEvent>> writeAll(List<PromiseChange> changes, Instant now) {
        return writer.updateAll(changes, now)
                .replaceWith(() -> changes.stream().flatMap(change -> change.events().stream()).toList());
    }

    private static IllegalArgumentException notTheirs(CloudEvent event, String promiseId) {
        return new IllegalArgumentException(event.type() + " " + event.id() + " of customer " + event.subject()
                + " names commitment " + promiseId + ", which belongs to another customer");
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
