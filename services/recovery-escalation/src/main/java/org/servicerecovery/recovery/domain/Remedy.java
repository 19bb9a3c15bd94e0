package org.servicerecovery.recovery.domain;

import java.math.BigDecimal;
import java.time.Instant;

/** What was done to put it right; {@code value} (may be zero) adds to the cost of poor service. */
public record Remedy(Type type, BigDecimal value, String note, String by, Instant at) {

    public enum Type {
        REFUND, REPLACEMENT, CREDIT, FIX, OTHER
    }
}
