package org.servicerecovery.loyalty.application;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import org.servicerecovery.events.CloudEvent;
import org.servicerecovery.events.EventData;
import org.servicerecovery.events.Topic;
import org.servicerecovery.loyalty.domain.Fact;
import org.servicerecovery.loyalty.domain.History;
import org.servicerecovery.loyalty.domain.Score;
import org.servicerecovery.loyalty.domain.ScoringEngine;
import org.servicerecovery.loyalty.persistence.CustomerScore;
import org.servicerecovery.loyalty.persistence.LoyaltyStore;
import org.servicerecovery.loyalty.persistence.LoyaltyStore.NewFact;
import org.servicerecovery.loyalty.persistence.LoyaltyStore.Rescored;
import org.servicerecovery.reliability.inbox.CustomerLocks;
import org.servicerecovery.reliability.outbox.Outbox;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;

/**
 * Keeps the customers' scores: applies a batch's new facts, and recomputes pages of scores in a rebuild, each under the
 * customers' locks (scope {@link #CONSUMER}), so that two replicas, consumers or a rebuild never store a score missing
 * another's fact. A change of score is stored with its explanation, appended to the trend and, when significant,
 * published as {@code loyalty.score-changed} ({@link ScoreChanges}).
 */
@ApplicationScoped
public class Scoring {

    /** The consumer's name in the idempotent-consumer records, and the scope of the customer locks. */
    public static final String CONSUMER = "loyalty-scoring";
    private static final ObjectMapper JSON = EventData.newObjectMapper();

    private final LoyaltyStore store;
    private final ScoringEngine engine;
    private final ScoreChanges changes;
    private final CustomerLocks locks;
    private final Outbox outbox;
    private final Clock clock;

    public Scoring(LoyaltyStore store, ScoringEngine engine, ScoreChanges changes, CustomerLocks locks, Outbox outbox,
                   Clock clock) {
        this.store = store;
        this.engine = engine;
        this.changes = changes;
        this.locks = locks;
        this.outbox = outbox;
        this.clock = clock;
    }

    /**
     * Scores the first deliveries of a batch, inside the consumer's unit of work (its transaction holds the batch's
     * customers). Each new fact is applied in its order, as if alone: the score recomputed with it, and a change
     * stored with that fact's event as its cause. The batch reads its customers' facts and scores once and writes them
     * with one statement each.
     */
    public Uni<Void> scoreFirstDeliveries(List<CloudEvent> firstDeliveries) {
        Instant now = clock.instant();
        List<NewFact> arrived = new ArrayList<>();
        for (CloudEvent event : firstDeliveries) {
            FactMapper.toFact(event, FactMapper.data(event)).map(fact -> FactMapper.notFromTheFuture(fact, now))
                    .ifPresent(fact -> arrived.add(new NewFact(event.subject(), event.source(), fact)));
        }
        if (arrived.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        Set<String> customers = arrived.stream().map(NewFact::customerId).collect(Collectors.toCollection(TreeSet::new));
        return store.factsOf(customers).chain(known -> store.scoresOf(customers)
                .chain(stored -> store.addFacts(arrived).chain(added -> applyInOrder(added, known, stored))));
    }

    /**
     * Recomputes the scores of one page of customers from their stored facts, e.g. after the weights changed: two reads
     * and two writes for the whole page. Returns how many scores changed.
     */
    @WithTransaction
    public Uni<Integer> rebuild(List<String> customerIds) {
        return locks.lock(CONSUMER, customerIds)
                .chain(() -> store.factsOf(customerIds))
                .chain(facts -> store.scoresOf(customerIds).chain(stored -> rescorePage(customerIds, facts, stored)));
    }

    private Uni<Void> applyInOrder(List<NewFact> added, Map<String, List<Fact>> known, Map<String, CustomerScore> stored) {
        Map<String, List<Fact>> facts = new HashMap<>();
        known.forEach((customerId, customerFacts) -> facts.put(customerId, new ArrayList<>(customerFacts)));
        Map<String, CustomerScore> current = new HashMap<>(stored);
        List<Rescored> changed = new ArrayList<>();
        List<CloudEvent> notices = new ArrayList<>();
        for (NewFact fact : added) {
            String customerId = fact.customerId();
            List<Fact> customerFacts = facts.computeIfAbsent(customerId, id -> new ArrayList<>());
            customerFacts.add(fact.fact());
            Rescored rescored = rescore(customerId, customerFacts, fact.fact().eventId());
            Optional<CustomerScore> previous = Optional.ofNullable(current.get(customerId));
            if (previous.isEmpty() || !sameScore(previous.get(), rescored.score())) {
                changed.add(rescored);
                changes.ifSignificant(customerId, previous, rescored.score(), rescored.causeEventId()).ifPresent(notices::add);
                current.put(customerId, asStored(rescored));
            }
        }
        return store.saveAll(changed).chain(() -> outbox.publishAll(Topic.LOYALTY_EVENTS, notices));
    }

    private Uni<Integer> rescorePage(List<String> customerIds, Map<String, List<Fact>> facts, Map<String, CustomerScore> stored) {
        List<Rescored> changed = new ArrayList<>();
        List<CloudEvent> notices = new ArrayList<>();
        for (String customerId : customerIds) {
            Rescored rescored = rescore(customerId, facts.getOrDefault(customerId, List.of()), null);
            Optional<CustomerScore> previous = Optional.ofNullable(stored.get(customerId));
            if (previous.isEmpty() || !sameScore(previous.get(), rescored.score())) {
                changed.add(rescored);
                changes.ifSignificant(customerId, previous, rescored.score(), null).ifPresent(notices::add);
            }
        }
        return store.saveAll(changed).chain(() -> outbox.publishAll(Topic.LOYALTY_EVENTS, notices))
                .replaceWith(changed.size());
    }

    /** {@code causeEventId}: the event whose fact is the newest in {@code facts}, null in a rebuild. */
    private Rescored rescore(String customerId, List<Fact> facts, String causeEventId) {
        List<Fact> history = History.canonical(facts);
        Profile profile = Profile.latest(history);
        return new Rescored(customerId, profile.team(), profile.tier(), engine.score(history), causeEventId);
    }

    private static CustomerScore asStored(Rescored rescored) {
        Score score = rescored.score();
        return new CustomerScore(rescored.customerId(), rescored.team(), rescored.tier(), score.value(),
                LoyaltyStore.bandName(score), score.contributions(), score.weightsVersion(), score.asOf());
    }

    private static boolean sameScore(CustomerScore stored, Score score) {
        return stored.score() == score.value() && stored.weightsVersion() == score.weightsVersion()
                && stored.contributions().equals(score.contributions())
                // stored to the millisecond
                && stored.asOf().toEpochMilli() == score.asOf().toEpochMilli();
    }

    /** The customer's latest profile: team for access control and lists, tier for display. */
    private record Profile(String team, String tier) {
        static Profile latest(List<Fact> history) {
            Profile profile = new Profile(null, null);
            for (Fact fact : history) {
                if (fact instanceof Fact.Profile p) {
                    profile = new Profile(p.team(), JSON.convertValue(p.tier(), String.class));
                }
            }
            return profile;
        }
    }
}
