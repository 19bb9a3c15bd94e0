package org.servicerecovery.promises.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * When to warn that a promise is at risk: after {@code fraction} of the promised interval, and/or {@code lead} before
 * the deadline. With both, the earlier one wins, so a short promise still leaves its lead time to act.
 */
public record AtRiskPolicy(Optional<Double> fraction, Optional<Duration> lead) {

    public static final AtRiskPolicy NONE = new AtRiskPolicy(Optional.empty(), Optional.empty());

    public AtRiskPolicy {
        fraction.filter(f -> !(f > 0 && f < 1)).ifPresent(f -> {
            throw new IllegalArgumentException("at-risk fraction must be between 0 and 1 (exclusive), was " + f);
        });
        lead.filter(l -> l.isNegative() || l.isZero()).ifPresent(l -> {
            throw new IllegalArgumentException("at-risk lead must be positive, was " + l);
        });
    }

    /**
     * The warning time for a promise made (or moved) at {@code from} and due at {@code dueAt}, never before
     * {@code now}; empty if there is nothing to warn about before the deadline.
     */
    public Optional<Instant> warnAt(Instant from, Instant dueAt, Instant now) {
        Optional<Instant> byFraction = fraction.map(f ->
                from.plusMillis((long) (Duration.between(from, dueAt).toMillis() * f)));
        Optional<Instant> byLead = lead.map(dueAt::minus);
        Optional<Instant> earliest = byFraction.isPresent() && byLead.isPresent()
                ? Optional.of(min(byFraction.get(), byLead.get()))
                : byFraction.or(() -> byLead);
        return earliest.map(at -> at.isBefore(now) ? now : at).filter(at -> at.isBefore(dueAt));
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }
}
