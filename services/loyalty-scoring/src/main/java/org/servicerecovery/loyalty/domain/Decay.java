package org.servicerecovery.loyalty.domain;

import java.time.Duration;
import java.time.Instant;

/**
 * Halving every half-life, as exact terms that a running sum can hold. A fact's points at time {@code asOf} are
 * {@code value × 2^(-(asOf - at) / halfLife)}; that is {@code value × 2^((at - epoch) / halfLife)} (the term, fixed once
 * the fact is known, {@link #term}) times {@code 2^(-(asOf - epoch) / halfLife)} (the same for every term,
 * {@link #at}). So a factor's decayed points are one exact sum of terms scaled once to the latest fact's time, whether
 * the sum was built from the whole history or a fact at a time, in any order.
 */
final class Decay {

    private final long halfLifeMillis;

    Decay(Duration halfLife) {
        this.halfLifeMillis = halfLife.toMillis();
    }

    /** {@code value} for a fact at {@code at}, scaled to the epoch: {@code value × 2^((at - epoch) / halfLife)}. */
    ExactPoints term(double value, Instant at) {
        long millis = at.toEpochMilli();
        long halvings = Math.floorDiv(millis, halfLifeMillis);
        double fraction = (double) Math.floorMod(millis, halfLifeMillis) / halfLifeMillis;
        // StrictMath: the same bits on every JVM, so a stored running sum and a recomputation never differ
        return ExactPoints.of(value * StrictMath.pow(2, fraction), halvings);
    }

    /** A sum of terms as points at {@code asOf}. */
    double at(ExactPoints sum, Instant asOf) {
        long millis = asOf.toEpochMilli();
        long halvings = Math.floorDiv(millis, halfLifeMillis);
        double fraction = (double) Math.floorMod(millis, halfLifeMillis) / halfLifeMillis;
        return sum.toDouble(-halvings) * StrictMath.pow(2, -fraction);
    }
}
