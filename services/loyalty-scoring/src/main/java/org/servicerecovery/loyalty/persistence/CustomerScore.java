package org.servicerecovery.loyalty.persistence;

import java.time.Instant;
import java.util.List;

import org.servicerecovery.loyalty.domain.Contribution;

/** A customer's stored score, as the API shows it. */
public record CustomerScore(String customerId, String team, String tier, int score, String band,
                            List<Contribution> contributions, int weightsVersion, Instant asOf) {
}
