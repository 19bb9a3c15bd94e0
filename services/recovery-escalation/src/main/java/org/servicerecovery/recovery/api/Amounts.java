package org.servicerecovery.recovery.api;

import java.math.BigDecimal;
import java.util.Currency;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import org.servicerecovery.recovery.RecoveryConfig;
import org.servicerecovery.servicekit.QueryParams;

/**
 * Money in a request: a currency that ISO 4217 lists with minor units (so not XXX or gold), and a value from zero to
 * {@code recovery.remedy.max-value} with no more decimals than the currency has (two for EUR, none for JPY).
 */
@ApplicationScoped
public class Amounts {

    private static final Pattern CODE = Pattern.compile("[A-Z]{3}");

    private final Currency fallback;
    private final BigDecimal maxValue;

    Amounts(RecoveryConfig config) {
        this.fallback = parse(config.remedyCurrency());
        if (fallback == null) {
            throw new IllegalArgumentException("recovery.remedy.currency is not an ISO 4217 currency code with minor "
                    + "units: " + config.remedyCurrency());
        }
        this.maxValue = config.remedyMaxValue();
    }

    /** The currency named, or the configured one when none is. */
    Currency currency(QueryParams params, String pointer, String code) {
        if (code == null || code.isBlank()) {
            return fallback;
        }
        Currency currency = parse(code);
        params.require(currency != null, pointer, "must be an ISO 4217 currency code such as EUR, USD or JPY");
        return currency == null ? fallback : currency;
    }

    BigDecimal value(QueryParams params, String pointer, BigDecimal value, Currency currency) {
        if (value == null) {
            return BigDecimal.ZERO;
        }
        if (value.signum() < 0 || value.compareTo(maxValue) > 0) {
            params.require(false, pointer, "must be from 0 to " + maxValue.toPlainString());
            return value;
        }
        params.require(value.stripTrailingZeros().scale() <= currency.getDefaultFractionDigits(), pointer,
                "must have at most " + currency.getDefaultFractionDigits() + " decimals in " + currency.getCurrencyCode());
        return value;
    }

    private static Currency parse(String code) {
        if (code == null || !CODE.matcher(code).matches()) {
            return null;
        }
        try {
            Currency currency = Currency.getInstance(code);
            return currency.getDefaultFractionDigits() < 0 ? null : currency;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
