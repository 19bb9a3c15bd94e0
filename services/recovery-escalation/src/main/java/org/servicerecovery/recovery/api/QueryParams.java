package org.servicerecovery.recovery.api;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.servicerecovery.servicekit.Problem;

/**
 * Parses query parameters, collecting every problem so that one response names all bad parameters. Call
 * {@link #check()} once everything is parsed.
 */
final class QueryParams {

    private final List<Problem.FieldError> errors = new ArrayList<>();

    Instant instant(String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            errors.add(new Problem.FieldError(name, "must be an RFC 3339 timestamp with offset, e.g. 2025-01-31T17:00:00Z"));
            return null;
        }
    }

    Instant requiredInstant(String name, String value) {
        if (value == null || value.isBlank()) {
            errors.add(new Problem.FieldError(name, "is required"));
            return null;
        }
        return instant(name, value);
    }

    /** Accepts the constant's name in any case, with - for _ (fulfilled-late). */
    <E extends Enum<E>> E oneOf(String name, String value, Class<E> type, E fallback) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        String normalised = value.trim().replace('-', '_').toUpperCase(Locale.ROOT);
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equals(normalised)) {
                return constant;
            }
        }
        errors.add(new Problem.FieldError(name, "must be one of " + Arrays.stream(type.getEnumConstants())
                .map(constant -> constant.name().toLowerCase(Locale.ROOT).replace('_', '-')).toList()));
        return fallback;
    }

    int integer(String name, String value, int fallback, int min, int max) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            int parsed = Integer.parseInt(value.trim());
            if (parsed >= min && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below, like an out-of-range number
        }
        errors.add(new Problem.FieldError(name, "must be a whole number from " + min + " to " + max));
        return fallback;
    }

    void require(boolean condition, String name, String detail) {
        if (!condition) {
            errors.add(new Problem.FieldError(name, detail));
        }
    }

    void check() {
        if (!errors.isEmpty()) {
            throw new InvalidParameters(errors);
        }
    }
}
