package org.servicerecovery.loyalty.messaging;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;

import org.servicerecovery.events.CloudEvent;
import org.servicerecovery.events.EventData;
import org.servicerecovery.events.Topic;
import org.servicerecovery.events.domain.LoyaltyBand;
import org.servicerecovery.events.domain.LoyaltyScoreChanged;
import org.servicerecovery.loyalty.domain.Contribution;
import org.servicerecovery.loyalty.domain.Fact;
import org.servicerecovery.loyalty.domain.History;
import org.servicerecovery.loyalty.domain.Score;
import org.servicerecovery.loyalty.domain.ScoringEngine;
import org.servicerecovery.loyalty.persistence.CustomerScore;
import org.servicerecovery.loyalty.persistence.LoyaltyStore;
import org.servicerecovery.reliability.inbox.ProcessedEvents;
import org.servicerecovery.reliability.outbox.Outbox;
import org.servicerecovery.reliability.InOrder;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;

/**
 * Applies one event to its customer's score in one transaction: the fact, the recomputed score, its history line and,
 * when the change matters to a CRM, a {@code loyalty.score-changed} event.
 */
@ApplicationScoped
public class Scoring {

    static final String CONSUMER = "loyalty-scoring";
    private static final String SOURCE = "urn:service-recovery:loyalty-scoring";
    private static final ObjectMapper JSON = EventData.newObjectMapper();

    private final LoyaltyStore store;
    private final ScoringEngine engine;
    private final ProcessedEvents processed;
    private final Outbox outbox;
    private final Clock clock;

    public Scoring(LoyaltyStore store, ScoringEngine engine, ProcessedEvents processed, Outbox outbox, Clock clock) {
        this.store = store;
        this.engine = engine;
        this.processed = processed;
        this.outbox = outbox;
        this.clock = clock;
    }

    /**
     * Scores the events in their order in one transaction; returns how many were scored for the first time (a
     * redelivery, also a second copy in the same list, changes nothing).
     */
    @WithTransaction
    public Uni<Integer> apply(List<CloudEvent> events) {
        AtomicInteger scored = new AtomicInteger();
        return InOrder.forEach(events, event -> applyOne(event).invoke(first -> {
            if (first) {
                scored.incrementAndGet();
            }
        })).map(ignored -> scored.get());
    }

    private Uni<Boolean> applyOne(CloudEvent event) {
        return processed.once(CONSUMER, event, () -> {
            // types we do not score (and types newer than this service) are acknowledged, not dead-lettered
            if (!FactMapper.scores(event)) {
                return Uni.createFrom().voidItem();
            }
            Optional<Fact> fact = FactMapper.toFact(event, FactMapper.data(event))
                    .map(found -> FactMapper.notFromTheFuture(found, clock.instant()));
            if (fact.isEmpty()) {
                return Uni.createFrom().voidItem();
            }
            String customerId = event.subject();
            return store.lockCustomer(customerId)
                    .chain(() -> store.addFact(customerId, event.source(), fact.get()))
                    .chain(added -> added ? rescore(customerId, event.id()) : Uni.createFrom().voidItem());
        });
    }

    /**
     * Recomputes the scores of one page of customers (ids in ascending order) from their stored facts, e.g. after the
     * weights changed: two reads and two writes for the whole page. Returns how many scores changed.
     */
    @WithTransaction
    public Uni<Integer> rebuild(List<String> customerIds) {
        String first = customerIds.get(0);
        String last = customerIds.get(customerIds.size() - 1);
        return store.lockCustomers(first, last)
                .chain(() -> store.factsOfCustomers(first, last))
                .chain(facts -> store.scoresOfCustomers(first, last).chain(stored -> rescorePage(customerIds, facts, stored)));
    }

    private Uni<Integer> rescorePage(List<String> customerIds, Map<String, List<Fact>> facts, Map<String, CustomerScore> stored) {
        List<LoyaltyStore.Rescored> changed = new ArrayList<>();
        List<Uni<Void>> notifications = new ArrayList<>();
        for (String customerId : customerIds) {
            Rescored rescored = rescore(facts.getOrDefault(customerId, List.of()));
            Optional<CustomerScore> previous = Optional.ofNullable(stored.get(customerId));
            if (previous.isEmpty() || !sameScore(previous.get(), rescored.score())) {
                changed.add(new LoyaltyStore.Rescored(customerId, rescored.profile().team(), rescored.profile().tier(),
                        rescored.score(), null));
                notifications.add(notifyIfSignificant(customerId, previous, rescored.score(), null));
            }
        }
        return store.saveAll(changed).chain(() -> InOrder.forEach(notifications, step -> step)).replaceWith(changed.size());
    }

    private Uni<Void> rescore(String customerId, String causeEventId) {
        return store.facts(customerId).chain(facts -> {
            Rescored rescored = rescore(facts);
            return store.score(customerId).chain(previous -> {
                if (previous.isPresent() && sameScore(previous.get(), rescored.score())) {
                    return Uni.createFrom().voidItem();
                }
                return store.save(customerId, rescored.profile().team(), rescored.profile().tier(), rescored.score(), causeEventId)
                        .chain(() -> notifyIfSignificant(customerId, previous, rescored.score(), causeEventId));
            });
        });
    }

    private Rescored rescore(List<Fact> facts) {
        List<Fact> history = History.canonical(facts);
        return new Rescored(engine.score(history), Profile.latest(history));
    }

    /** {@code causeEventId}: the event that moved the score, null in a rebuild. */
    private Uni<Void> notifyIfSignificant(String customerId, Optional<CustomerScore> previous, Score score, String causeEventId) {
        int before = previous.map(CustomerScore::score).orElse(engine.weights().baseline());
        LoyaltyBand previousBand = Score.band(before);
        if (previousBand == score.band() && Math.abs(score.value() - before) < engine.weights().changeThreshold()) {
            return Uni.createFrom().voidItem();
        }
        OffsetDateTime now = OffsetDateTime.now(clock);
        List<String> reasons = score.contributions().stream()
                .filter(contribution -> contribution.points() != 0 && !contribution.factor().equals("baseline"))
                .map(contribution -> contribution.factor() + " " + signed(contribution.points()))
                .toList();
        LoyaltyScoreChanged changed = new LoyaltyScoreChanged(customerId, before, score.value(), previousBand, score.band(),
                now, reasons);
        // one change per cause; a rebuild's changes have no cause event, so they get a fresh id
        String id = causeEventId == null ? UUID.randomUUID().toString() : customerId + ":" + causeEventId;
        return outbox.publish(Topic.LOYALTY_EVENTS, EventData.wrap(id, SOURCE, now, changed));
    }

    private static boolean sameScore(CustomerScore stored, Score score) {
        return stored.score() == score.value() && stored.weightsVersion() == score.weightsVersion()
                && stored.contributions().equals(score.contributions())
                // stored to the millisecond
                && stored.asOf().toEpochMilli() == score.asOf().toEpochMilli();
    }

    private static String signed(int points) {
        return points > 0 ? "+" + points : Integer.toString(points);
    }

    private record Rescored(Score score, Profile profile) {
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
