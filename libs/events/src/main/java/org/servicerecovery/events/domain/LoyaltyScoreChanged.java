package org.servicerecovery.events.domain;

import static java.util.Objects.requireNonNull;

import java.time.OffsetDateTime;
import java.util.List;

import org.servicerecovery.events.CustomerEvent;

/**
 * {@code loyalty.score-changed}: a customer's loyalty score changed.
 *
 * @param customerId the customer's id in the CRM; also the Kafka key and the CloudEvents subject.
 * @param previousScore score before the change.
 * @param score score now.
 * @param previousBand band before the change.
 * @param band band now.
 * @param changedAt when the score changed.
 * @param reasons why, most important first, e.g. "promise P-17 missed".
 */
public record LoyaltyScoreChanged(
        String customerId,
        int previousScore,
        int score,
        LoyaltyBand previousBand,
        LoyaltyBand band,
        OffsetDateTime changedAt,
        List<String> reasons) implements CustomerEvent {

    public LoyaltyScoreChanged {
        requireNonNull(customerId, "customerId");
        requireNonNull(previousBand, "previousBand");
        requireNonNull(band, "band");
        requireNonNull(changedAt, "changedAt");
        requireNonNull(reasons, "reasons");
        reasons = List.copyOf(reasons);
    }
}
