package org.servicerecovery.loyalty.application;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.servicerecovery.events.CloudEvent;
import org.servicerecovery.events.EventData;
import org.servicerecovery.events.domain.LoyaltyBand;
import org.servicerecovery.events.domain.LoyaltyScoreChanged;
import org.servicerecovery.loyalty.domain.Score;
import org.servicerecovery.loyalty.domain.ScoringEngine;
import org.servicerecovery.loyalty.persistence.CustomerScore;

/** The {@code loyalty.score-changed} a CRM is told of: a band change, or a move of at least the change threshold. */
@ApplicationScoped
public class ScoreChanges {

    private static final String SOURCE = "urn:service-recovery:loyalty-scoring";

    private final ScoringEngine engine;
    private final Clock clock;

    public ScoreChanges(ScoringEngine engine, Clock clock) {
        this.engine = engine;
        this.clock = clock;
    }

    /**
     * The event for a move from {@code previous} (the baseline for a new customer) to {@code score}, if it matters.
     * {@code causeEventId}: the event that moved the score, null in a rebuild. One change per cause, so its id is
     * {@code customerId:causeEventId}; a rebuild's changes have no cause event and get a fresh id.
     */
    Optional<CloudEvent> ifSignificant(String customerId, Optional<CustomerScore> previous, Score score, String causeEventId) {
        int before = previous.map(CustomerScore::score).orElse(engine.weights().baseline());
        LoyaltyBand previousBand = Score.band(before);
        if (previousBand == score.band() && Math.abs(score.value() - before) < engine.weights().changeThreshold()) {
            return Optional.empty();
        }
        OffsetDateTime now = OffsetDateTime.now(clock);
        List<String> reasons = score.contributions().stream()
                .filter(contribution -> contribution.points() != 0 && !contribution.factor().equals("baseline"))
                .map(contribution -> contribution.factor() + " " + signed(contribution.points()))
                .toList();
        LoyaltyScoreChanged changed = new LoyaltyScoreChanged(customerId, before, score.value(), previousBand, score.band(),
                now, reasons);
        String id = causeEventId == null ? UUID.randomUUID().toString() : customerId + ":" + causeEventId;
        return Optional.of(EventData.wrap(id, SOURCE, now, changed));
    }

    private static String signed(int points) {
        return points > 0 ? "+" + points : Integer.toString(points);
    }
}
