package org.servicerecovery.loyalty.domain;

import java.time.Instant;
import java.util.List;

import org.servicerecovery.events.domain.LoyaltyBand;

/**
 * A customer's score as of {@code asOf} (the time of the latest fact, so the same history always gives the same
 * score): {@code value} is exactly the sum of the contributions' points, the baseline among them.
 */
public record Score(int value, LoyaltyBand band, List<Contribution> contributions, Instant asOf, int weightsVersion) {

    public Score {
        contributions = List.copyOf(contributions);
        int sum = contributions.stream().mapToInt(Contribution::points).sum();
        if (sum != value) {
            throw new IllegalStateException("contributions add up to " + sum + ", not " + value);
        }
    }

    public static LoyaltyBand band(int value) {
        return value <= 50 ? LoyaltyBand.AT_RISK : value <= 75 ? LoyaltyBand.NEUTRAL : LoyaltyBand.LOYAL;
    }
}
