package org.servicerecovery.servicekit;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Parses query parameters and body fields, collecting every problem so that one response names all bad parameters
 * (query parameters by name, body fields by JSON pointer). Call {@link #check()} once everything is parsed.
 */
public final class QueryParams {

    private final List<Problem.FieldError> errors = new ArrayList<>();

    public Instant instant(String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            OffsetDateTime parsed = OffsetDateTime.parse(value);
            // RFC 3339 has four-digit years; PostgreSQL's timestamptz ends in 294276, so a query would fail.
            if (parsed.getYear() >= 1 && parsed.getYear() <= 9999) {
                return parsed.toInstant();
            }
        } catch (DateTimeParseException e) {
            // reported below, like a year out of range
        }
        errors.add(new Problem.FieldError(name, "must be an RFC 3339 timestamp with offset, e.g. 2025-01-31T17:00:00Z"));
        return null;
    }

    public Instant requiredInstant(String name, String value) {
        if (value == null || value.isBlank()) {
            errors.add(new Problem.FieldError(name, "is required"));
            return null;
        }
        return instant(name, value);
    }

    /** Accepts the constant's name in any case, with - for _ (fulfilled-late). */
    public <E extends Enum<E>> E oneOf(String name, String value, Class<E> type, E fallback) {
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

    public int integer(String name, String value, int fallback, int min, int max) {
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

    /** Free text that may be left out: blank counts as absent (null). See {@link Text} for what it may hold. */
    public String text(String name, String value, int maxLength) {
        return value == null || value.isBlank() ? null : checked(name, value, maxLength, true);
    }

    public String requiredText(String name, String value, int maxLength) {
        if (value == null || value.isBlank()) {
            errors.add(new Problem.FieldError(name, "is required"));
            return null;
        }
        return checked(name, value, maxLength, true);
    }

    /** One line (a subject, a name): blank counts as absent (null). */
    public String line(String name, String value, int maxLength) {
        return value == null || value.isBlank() ? null : checked(name, value, maxLength, false);
    }

    public String requiredLine(String name, String value, int maxLength) {
        if (value == null || value.isBlank()) {
            errors.add(new Problem.FieldError(name, "is required"));
            return null;
        }
        return checked(name, value, maxLength, false);
    }

    private String checked(String name, String value, int maxLength, boolean multiLine) {
        String problem = Text.problem(value, maxLength, multiLine);
        if (problem != null) {
            errors.add(new Problem.FieldError(name, problem));
            return null;
        }
        return value;
    }

    public void require(boolean condition, String name, String detail) {
        if (!condition) {
            errors.add(new Problem.FieldError(name, detail));
        }
    }

    public void check() {
        if (!errors.isEmpty()) {
            throw new InvalidParameters(errors);
        }
    }
}
