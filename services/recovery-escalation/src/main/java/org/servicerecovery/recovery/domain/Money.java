package org.servicerecovery.recovery.domain;

import java.math.BigDecimal;

/** An amount in a currency (ISO 4217; {@code XXX}, "no currency", for remedies recorded without one). */
public record Money(String currency, BigDecimal amount) {

    public static final String NO_CURRENCY = "XXX";
}
