package org.servicerecovery.promises.application;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import org.servicerecovery.events.CloudEvent;
import org.servicerecovery.events.CustomerEvent;
import org.servicerecovery.events.EventData;
import org.servicerecovery.events.crm.CommitmentCancelled;
import org.servicerecovery.events.crm.CommitmentFulfilled;
import org.servicerecovery.events.crm.CommitmentMade;
import org.servicerecovery.events.crm.CommitmentRescheduled;
import org.servicerecovery.events.crm.CustomerUpserted;
import org.servicerecovery.events.crm.Tier;
import org.servicerecovery.promises.domain.HistoryEntry;
import org.servicerecovery.promises.domain.Promise;
import org.servicerecovery.promises.domain.PromiseChange;
import org.servicerecovery.promises.domain.PromiseRules;
import org.servicerecovery.promises.persistence.PromiseStore;

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
     * caller's transaction, which holds the locks of the events' customers (their CloudEvents subjects). The batch
     * reads what it needs with one statement each (who owns its commitments; its customers' promises, locked with
     * their timers; the tiers; the events that waited for its new commitments), applies the events in memory, and
     * writes everything with one statement per table: the cost of a batch is a handful of round trips, not several
     * per event. An event changes only a promise of its own customer (one naming another customer's commitment fails
     * and is dead-lettered), so two transactions that lock the same promises hold the same customers and the second
     * waits for the first before locking any promise.
     */
    public Uni<List<CustomerEvent>> applyFirstDeliveries(List<CloudEvent> events) {
        return Uni.createFrom().item(() -> events.stream().map(Delivery::read).toList())
                .chain(deliveries -> read(deliveries).chain(batch -> {
                    Instant now = clock.instant();
                    List<CustomerEvent> published = new ArrayList<>();
                    deliveries.forEach(delivery -> published.addAll(batch.apply(delivery, now)));
                    return batch.write(now).replaceWith(published);
                }));
    }

    /** What the batch's events need, one statement each. */
    private Uni<Batch> read(List<Delivery> deliveries) {
        return store.customersOf(commitmentIds(deliveries)).chain(owners -> {
            List<CommitmentMade> fresh = newCommitments(deliveries, owners);
            return store.lockWithTimers(ownIds(deliveries, owners))
                    .chain(locked -> store.tiersOf(fresh.stream().map(CommitmentMade::customerId).collect(Collectors.toSet()))
                            .chain(tiers -> store.takeEarly(fresh.stream().map(CommitmentMade::commitmentId)
                                            .collect(Collectors.toSet()))
                                    .map(early -> new Batch(owners, locked, tiers, early))));
        });
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

    private Uni<List<CustomerEvent>> writeAll(List<PromiseChange> changes, Instant now) {
        return writer.updateAll(changes, now)
                .replaceWith(() -> changes.stream().flatMap(change -> change.events().stream()).toList());
    }

    /** An inbound event with its data; one that names another customer than its subject fails here. */
    private record Delivery(CloudEvent event, CustomerEvent data) {

        static Delivery read(CloudEvent event) {
            CustomerEvent data = EventData.read(event);
            if (!data.customerId().equals(event.subject())) {
                throw new IllegalArgumentException(event.type() + " " + event.id() + " is about customer "
                        + data.customerId() + " but its subject is " + event.subject());
            }
            return new Delivery(event, data);
        }

        /** The commitment the event is about; null for a customer.upserted. */
        String commitmentId() {
            if (data instanceof CommitmentMade made) {
                return made.commitmentId();
            }
            if (data instanceof CommitmentFulfilled fulfilled) {
                return fulfilled.commitmentId();
            }
            if (data instanceof CommitmentRescheduled rescheduled) {
                return rescheduled.commitmentId();
            }
            if (data instanceof CommitmentCancelled cancelled) {
                return cancelled.commitmentId();
            }
            return null;
        }
    }

    private static Set<String> commitmentIds(List<Delivery> deliveries) {
        return deliveries.stream().map(Delivery::commitmentId).filter(Objects::nonNull).collect(Collectors.toSet());
    }

    /** The stored commitments that belong to the customer of an event naming them: the ones this batch may change. */
    private static Set<String> ownIds(List<Delivery> deliveries, Map<String, String> owners) {
        return deliveries.stream()
                .filter(delivery -> delivery.commitmentId() != null
                        && delivery.event().subject().equals(owners.get(delivery.commitmentId())))
                .map(Delivery::commitmentId)
                .collect(Collectors.toSet());
    }

    /** Commitments made in this batch that are not stored yet: the ones that may have early events waiting. */
    private static List<CommitmentMade> newCommitments(List<Delivery> deliveries, Map<String, String> owners) {
        return deliveries.stream()
                .map(Delivery::data)
                .filter(CommitmentMade.class::isInstance)
                .map(CommitmentMade.class::cast)
                .filter(made -> !owners.containsKey(made.commitmentId()))
                .toList();
    }

    /**
     * One batch's promises, tiers and early events as read at its start, changed in memory in the events' order. The
     * promise rows, tiers and kept events are written at the end; the history, timers and outbox rows too
     * ({@link PromiseChangeWriter.Pending}).
     */
    private final class Batch {

        /** Commitment id → customer, as stored before the batch (promises never change customer). */
        private final Map<String, String> owners;
        /** The batch's own stored promises (locked) and those it made, as they are now. */
        private final Map<String, Promise> promises;
        private final Set<String> made = new HashSet<>();
        private final Map<String, Tier> tiers;
        private final Map<String, Tier> tiersChanged = new LinkedHashMap<>();
        /** Stored early events of the commitments made in this batch, in arrival order. */
        private final Map<String, List<CloudEvent>> early;
        /** Events this batch received before their commitment.made, in arrival order. */
        private final Map<String, List<CloudEvent>> keptEarly = new LinkedHashMap<>();
        private final PromiseChangeWriter.Pending pending = new PromiseChangeWriter.Pending();

        Batch(Map<String, String> owners, Map<String, Promise> locked, Map<String, Tier> tiers,
              Map<String, List<CloudEvent>> early) {
            this.owners = owners;
            this.promises = new LinkedHashMap<>(locked);
            this.tiers = new LinkedHashMap<>(tiers);
            this.early = new LinkedHashMap<>(early);
        }

        List<CustomerEvent> apply(Delivery delivery, Instant now) {
            if (delivery.data() instanceof CustomerUpserted customer) {
                tiers.put(customer.customerId(), customer.tier());
                tiersChanged.put(customer.customerId(), customer.tier());
                return List.of();
            }
            CloudEvent event = delivery.event();
            String promiseId = delivery.commitmentId();
            Promise promise = promises.get(promiseId);
            if (promise == null ? owners.containsKey(promiseId) : !promise.customerId().equals(event.subject())) {
                throw new IllegalArgumentException(event.type() + " " + event.id() + " of customer " + event.subject()
                        + " names commitment " + promiseId + ", which belongs to another customer");
            }
            if (delivery.data() instanceof CommitmentMade commitment) {
                return promise == null ? make(commitment, now) : change(rules.madeAgain(promise, now), now);
            }
            if (promise == null) {
                keptEarly.computeIfAbsent(promiseId, id -> new ArrayList<>()).add(event);
                pending.history(promiseId, new HistoryEntry(now, "received-early",
                        event.type() + " arrived before commitment.made; it is applied when the commitment arrives"));
                return List.of();
            }
            return change(decide(promise, delivery.data(), now), now);
        }

        /** A new promise, then the events that arrived before it, one after the other, as if they had come after it. */
        private List<CustomerEvent> make(CommitmentMade commitment, Instant now) {
            String promiseId = commitment.commitmentId();
            made.add(promiseId);
            List<CustomerEvent> published = new ArrayList<>(change(
                    rules.make(commitment, tiers.getOrDefault(commitment.customerId(), Tier.STANDARD), now), now));
            List<CloudEvent> waiting = new ArrayList<>(early.getOrDefault(promiseId, List.of()));
            waiting.addAll(keptEarly.getOrDefault(promiseId, List.of()));
            early.remove(promiseId);
            keptEarly.remove(promiseId);
            for (CloudEvent event : waiting) {
                Promise promise = promises.get(promiseId);
                if (promise.customerId().equals(event.subject())) {
                    published.addAll(change(decide(promise, EventData.read(event), now), now));
                } else {
                    pending.history(promiseId, new HistoryEntry(now, "ignored", event.type()
                            + " received early from another customer (" + event.subject() + ") does not apply"));
                }
            }
            return published;
        }

        private List<CustomerEvent> change(PromiseChange change, Instant now) {
            promises.put(change.promise().id(), change.promise());
            pending.add(change, now);
            return change.events();
        }

        Uni<Void> write(Instant now) {
            List<Promise> inserted = new ArrayList<>();
            List<Promise> stored = new ArrayList<>();
            promises.values().forEach(promise -> (made.contains(promise.id()) ? inserted : stored).add(promise));
            return store.insertAll(inserted, now)
                    .chain(() -> store.updateAll(stored, now))
                    .chain(() -> store.saveTiers(tiersChanged))
                    .chain(() -> store.keepEarly(keptEarly, now))
                    .chain(() -> writer.write(pending));
        }
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
}
