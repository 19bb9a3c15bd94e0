package org.servicerecovery.console.pages;

import java.util.Locale;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import io.quarkus.qute.Results;
import io.quarkus.qute.TemplateExtension;

/** What the templates need on the services' plain JSON values. */
@TemplateExtension
public class TemplateExtensions {

    private static final ObjectMapper PRETTY = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private TemplateExtensions() {
    }

    /** Enum values arrive as {@code PAUSED} from one service and {@code paused} from another. */
    static boolean means(Object value, String expected) {
        return value != null && !(value instanceof Results.NotFound) && value.toString().replace('_', '-').equalsIgnoreCase(expected.replace('_', '-'));
    }

    /** A 0..1 rate as a whole percentage, 0 when absent. */
    static long percent(Object rate) {
        return rate instanceof Number number ? Math.round(number.doubleValue() * 100) : 0;
    }

    /** A value the console has no view for yet, shown as indented JSON rather than hidden. */
    static String pretty(Object value) {
        try {
            return PRETTY.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            return String.valueOf(value);
        }
    }

    /**
     * Display form of an enum value: {@code FULFILLED_LATE} becomes {@code fulfilled late}. Null for a missing value,
     * so that {@code a.label ?: b.label} falls back.
     */
    static String label(Object value) {
        return value == null || value instanceof Results.NotFound ? null : value.toString().replace('_', ' ').replace('-', ' ').toLowerCase(Locale.ROOT);
    }
}
