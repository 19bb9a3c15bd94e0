package org.servicerecovery.loyalty.domain;

import java.math.BigInteger;
import java.util.Objects;

/**
 * A number of points held exactly, as {@code mantissa × 2^exponent}: a sum of them is the same whatever order its terms
 * were added or removed in, which is what lets a running score equal a score computed from the whole history. Every
 * double is such a number, so terms enter without rounding; only {@link #toDouble} rounds, once, at the end.
 */
final class ExactPoints implements Comparable<ExactPoints> {

    static final ExactPoints ZERO = new ExactPoints(BigInteger.ZERO, 0);

    /** Odd, or zero (then the exponent is 0): one representation per value. */
    private final BigInteger mantissa;
    private final long exponent;

    private ExactPoints(BigInteger mantissa, long exponent) {
        this.mantissa = mantissa;
        this.exponent = exponent;
    }

    static ExactPoints of(BigInteger mantissa, long exponent) {
        if (mantissa.signum() == 0) {
            return ZERO;
        }
        int zeros = mantissa.getLowestSetBit();
        return new ExactPoints(mantissa.shiftRight(zeros), exponent + zeros);
    }

    /** {@code value × 2^scale}, exactly. */
    static ExactPoints of(double value, long scale) {
        if (value == 0) {
            return ZERO;
        }
        if (!Double.isFinite(value)) {
            throw new ArithmeticException("points must be finite, not " + value);
        }
        long bits = Double.doubleToRawLongBits(value);
        int biased = (int) ((bits >>> 52) & 0x7ff);
        long fraction = bits & ((1L << 52) - 1);
        long significand = biased == 0 ? fraction : fraction | (1L << 52);
        int exponentOfUnit = (biased == 0 ? 1 : biased) - 1075;
        return of(BigInteger.valueOf(value < 0 ? -significand : significand), exponentOfUnit + scale);
    }

    ExactPoints plus(ExactPoints other) {
        if (signum() == 0) {
            return other;
        }
        if (other.signum() == 0) {
            return this;
        }
        long low = Math.min(exponent, other.exponent);
        return of(aligned(low).add(other.aligned(low)), low);
    }

    ExactPoints minus(ExactPoints other) {
        return plus(other.negate());
    }

    ExactPoints negate() {
        return new ExactPoints(mantissa.negate(), exponent);
    }

    ExactPoints abs() {
        return signum() < 0 ? negate() : this;
    }

    ExactPoints times(double factor) {
        ExactPoints other = of(factor, 0);
        return of(mantissa.multiply(other.mantissa), exponent + other.exponent);
    }

    int signum() {
        return mantissa.signum();
    }

    static ExactPoints min(ExactPoints a, ExactPoints b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    static ExactPoints max(ExactPoints a, ExactPoints b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    @Override
    public int compareTo(ExactPoints other) {
        return minus(other).signum();
    }

    /**
     * {@code this × 2^scale} rounded to a double. Deterministic: the same exact value always gives the same double,
     * however it was summed.
     */
    double toDouble(long scale) {
        if (signum() == 0) {
            return 0;
        }
        BigInteger m = mantissa;
        long e = exponent + scale;
        int excess = m.bitLength() - 1000;
        if (excess > 0) {
            // below a double's precision: keep the doubleValue() below its overflow, deterministically
            m = m.shiftRight(excess);
            e += excess;
        }
        return Math.scalb(m.doubleValue(), (int) Math.max(-4000, Math.min(4000, e)));
    }

    BigInteger mantissa() {
        return mantissa;
    }

    long exponent() {
        return exponent;
    }

    private BigInteger aligned(long low) {
        return mantissa.shiftLeft(Math.toIntExact(exponent - low));
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ExactPoints that && exponent == that.exponent && mantissa.equals(that.mantissa);
    }

    @Override
    public int hashCode() {
        return Objects.hash(mantissa, exponent);
    }

    @Override
    public String toString() {
        return mantissa + "*2^" + exponent;
    }
}
