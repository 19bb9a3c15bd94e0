package org.servicerecovery.loyalty.application;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
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
import org.servicerecovery.loyalty.domain.Score;
import org.servicerecovery.loyalty.domain.ScoreState;
import org.servicerecovery.loyalty.domain.ScoreStateCodec;
import org.servicerecovery.loyalty.domain.ScoringEngine;
import org.servicerecovery.loyalty.persistence.CustomerScore;
import org.servicerecovery.loyalty.persistence.LoyaltyStore;
import org.servicerecovery.loyalty.persistence.LoyaltyStore.NewFact;
import org.servicerecovery.loyalty.persistence.LoyaltyStore.Rescored;
import org.servicerecovery.loyalty.persistence.LoyaltyStore.StoredState;
import org.servicerecovery.loyalty.persistence.ScorePages;
import org.servicerecovery.reliability.inbox.CustomerLocks;
import org.servicerecovery.reliability.outbox.Outbox;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;

/**
 * Keeps the customers' scores: applies a batch's new facts to the customers' running scores, and recomputes pages of scores in a rebuild, each under the
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
    private final ScorePages pages;
    private final ScoringEngine engine;
    private final ScoreChanges changes;
    private final CustomerLocks locks;
    private final Outbox outbox;
    private final Clock clock;
    private final Counter rescoredWithoutState;
    private final Counter rescoredAfterWeightsChange;
    private final Counter rescoredOutOfOrder;

    public Scoring(LoyaltyStore store, ScorePages pages, ScoringEngine engine, ScoreChanges changes, CustomerLocks locks, Outbox outbox,
                   Clock clock, MeterRegistry registry) {
        this.store = store;
        this.pages = pages;
        this.engine = engine;
        this.changes = changes;
        this.locks = locks;
        this.outbox = outbox;
        this.clock = clock;
        this.rescoredWithoutState = fullRescores(registry, "no-running-score");
        this.rescoredAfterWeightsChange = fullRescores(registry, "weights-version");
        this.rescoredOutOfOrder = fullRescores(registry, "out-of-order");
    }

    private static Counter fullRescores(MeterRegistry registry, String reason) {
        return Counter.builder("loyalty.scoring.full.rescores")
                .description("customers scored from their whole stored history: no running score of the current weights"
                        + " was stored, or a fact came before what the running score keeps in detail")
                .tag("reason", reason).register(registry);
    }

    /**
     * Scores the first deliveries of a batch, inside the consumer's unit of work (its transaction holds the batch's
     * customers). Each new fact is applied in its order, as if alone, to the customer's running score (the score with
     * it, and a change stored with that fact's event as its cause), so a fact costs the same however long the
     * customer's history. A customer without a running score of the current weights (a weights change, or facts stored
     * before running scores existed) is rescored from their stored facts first, and counted. The batch reads its
     * customers' running scores and scores once and writes them with one statement each.
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
        return store.statesOf(customers).chain(stored -> runningScores(customers, stored))
                .chain(running -> store.scoresOf(customers)
                        .chain(scores -> store.addFacts(arrived).chain(added -> applyInOrder(added, running, scores))));
    }

    /**
     * Recomputes the scores of one page of customers from their stored facts, e.g. after the weights changed, and
     * their running scores with them, in a transaction of its own: the customers' locks, their facts and scores read
     * together and scored on a worker thread, every change written together. Returns how many scores changed.
     */
    public Uni<Integer> rebuild(List<String> customerIds) {
        return pages.inTransaction(transaction -> locks.lock(transaction, CONSUMER, customerIds)
                .chain(() -> pages.read(transaction, customerIds))
                .chain(page -> rescorePage(transaction, customerIds, page.facts(), page.scores())));
    }

    /** The customers' running scores: as stored, or rebuilt from their facts where none of these weights is stored. */
    private Uni<Map<String, ScoreState>> runningScores(Set<String> customers, Map<String, StoredState> stored) {
        Map<String, ScoreState> running = new HashMap<>();
        List<String> fromFacts = new ArrayList<>();
        for (String customerId : customers) {
            StoredState state = stored.get(customerId);
            if (state != null && ScoreStateCodec.readable(engine.weights(), state.state())) {
                running.put(customerId, ScoreStateCodec.decode(engine.weights(), state.state()));
            } else {
                fromFacts.add(customerId);
            }
        }
        if (fromFacts.isEmpty()) {
            return Uni.createFrom().item(running);
        }
        return store.factsOf(fromFacts).map(facts -> {
            for (String customerId : fromFacts) {
                List<Fact> history = facts.getOrDefault(customerId, List.of());
                running.put(customerId, replay(history));
                if (!history.isEmpty()) {
                    // a new customer has nothing to replay; anyone else was rescored from their whole history
                    (stored.containsKey(customerId) ? rescoredAfterWeightsChange : rescoredWithoutState).increment();
                }
            }
            return running;
        });
    }

    private Uni<Void> applyInOrder(List<NewFact> added, Map<String, ScoreState> running, Map<String, CustomerScore> stored) {
        Batch batch = new Batch(added, running, new HashMap<>(stored));
        return batch.applyFrom(0).chain(() -> store.saveAll(batch.changed)).chain(() -> store.saveStates(batch.touched))
                .chain(() -> outbox.publishAll(Topic.LOYALTY_EVENTS, batch.notices));
    }

    /** One batch's new facts applied in order to the running scores, with the changes of score they make. */
    private final class Batch {

        final List<NewFact> added;
        final Map<String, ScoreState> running;
        final Map<String, CustomerScore> current;
        final List<Rescored> changed = new ArrayList<>();
        final List<CloudEvent> notices = new ArrayList<>();
        final Map<String, ScoreState> touched = new HashMap<>();

        Batch(List<NewFact> added, Map<String, ScoreState> running, Map<String, CustomerScore> current) {
            this.added = added;
            this.running = running;
            this.current = current;
        }

        /**
         * Applies the facts from {@code index} on; a fact the running score cannot take (it comes before what the
         * state keeps in detail, or names something folded) rescores its customer from the stored facts, without the
         * batch's facts still to come, and then goes on.
         */
        Uni<Void> applyFrom(int index) {
            for (int i = index; i < added.size(); i++) {
                NewFact fact = added.get(i);
                ScoreState state = running.get(fact.customerId());
                ScoreState.Applied applied = state.apply(fact.fact());
                if (applied == ScoreState.Applied.NEEDS_HISTORY) {
                    int at = i;
                    return store.factsOf(List.of(fact.customerId())).chain(facts -> {
                        rescoredOutOfOrder.increment();
                        running.put(fact.customerId(), engine.replay(withoutLaterFacts(facts.get(fact.customerId()), at)));
                        scored(fact);
                        return applyFrom(at + 1);
                    });
                }
                if (applied == ScoreState.Applied.APPLIED) {
                    scored(fact);
                } else {
                    touched.put(fact.customerId(), state);
                }
            }
            return Uni.createFrom().voidItem();
        }

        /** The customer's stored facts without those of this batch after {@code index}. */
        private List<Fact> withoutLaterFacts(List<Fact> stored, int index) {
            String customerId = added.get(index).customerId();
            Set<String> applied = new HashSet<>();
            Set<String> later = new HashSet<>();
            for (int i = 0; i < added.size(); i++) {
                if (added.get(i).customerId().equals(customerId)) {
                    (i <= index ? applied : later).add(added.get(i).fact().eventId());
                }
            }
            later.removeAll(applied);
            return stored.stream().filter(fact -> !later.contains(fact.eventId())).toList();
        }

        private void scored(NewFact fact) {
            String customerId = fact.customerId();
            ScoreState state = running.get(customerId);
            touched.put(customerId, state);
            Rescored rescored = rescored(customerId, state, fact.fact().eventId());
            Optional<CustomerScore> previous = Optional.ofNullable(current.get(customerId));
            if (previous.isEmpty() || !sameScore(previous.get(), rescored.score())) {
                changed.add(rescored);
                changes.ifSignificant(customerId, previous, rescored.score(), rescored.causeEventId()).ifPresent(notices::add);
                current.put(customerId, asStored(rescored));
            }
        }
    }

    private Uni<Integer> rescorePage(SqlConnection transaction, List<String> customerIds, Map<String, List<Fact>> facts,
                                     Map<String, CustomerScore> stored) {
        List<Rescored> changed = new ArrayList<>();
        List<CloudEvent> notices = new ArrayList<>();
        // encoded at once: a page of decoded running scores would crowd the heap
        Map<String, byte[]> running = new HashMap<>();
        for (String customerId : customerIds) {
            ScoreState state = replay(facts.getOrDefault(customerId, List.of()));
            running.put(customerId, ScoreStateCodec.encode(state));
            Rescored rescored = rescored(customerId, state, null);
            Optional<CustomerScore> previous = Optional.ofNullable(stored.get(customerId));
            if (previous.isEmpty() || !sameScore(previous.get(), rescored.score())) {
                changed.add(rescored);
                changes.ifSignificant(customerId, previous, rescored.score(), null).ifPresent(notices::add);
            }
        }
        return Uni.combine().all().unis(pages.save(transaction, changed, engine.weights().version(), running),
                        outbox.publishAll(transaction, Topic.LOYALTY_EVENTS, notices))
                .discardItems().replaceWith(changed.size());
    }

    /** A running score of the whole history: equal to the engine's score of it (ScoreStateTest). */
    private ScoreState replay(List<Fact> facts) {
        return engine.replay(facts);
    }

    /** {@code causeEventId}: the event whose fact was applied last, null in a rebuild. */
    private Rescored rescored(String customerId, ScoreState state, String causeEventId) {
        Fact.Profile profile = state.profile();
        return new Rescored(customerId, profile == null ? null : profile.team(),
                profile == null ? null : JSON.convertValue(profile.tier(), String.class), state.score(), causeEventId);
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
}
