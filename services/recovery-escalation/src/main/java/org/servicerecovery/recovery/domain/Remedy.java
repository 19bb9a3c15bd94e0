package org.servicerecovery.recovery.domain;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * What was done to put it right; {@code value} (may be zero) in {@code currency} (ISO 4217) adds to the cost of poor
 * service. Remedies recorded before amounts had a currency have none.
 */
public record Remedy(Type type, BigDecimal value, String currency, String note, String by, Instant at) {

    public enum Type {
        REFUND, REPLACEMENT, CREDIT, FIX, OTHER
    }
}
