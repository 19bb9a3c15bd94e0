package org.servicerecovery.intake.domain;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.servicerecovery.events.EventData;
import org.servicerecovery.events.EventType;
import org.servicerecovery.events.InvalidCloudEventException.Problem;

/**
 * Checks an inbound event's {@code data} against the JSON Schema of its type in {@code libs/events}, reporting every
 * broken field at once. Binding to the record stops at the first error, and a CRM developer fixing a payload wants the
 * whole list. The inbound schemas are flat objects using only type, required, enum, minimum/maximum,
 * minLength/maxLength, pattern and the date-time and email formats, which is what this covers.
 */
public final class DataRules {

    // RFC 3339 needs an offset: "2025-06-02T09:30:00" is ambiguous by hours, so it is refused, not guessed.
    private static final DateTimeFormatter RFC_3339 = DateTimeFormatter.ISO_OFFSET_DATE_TIME;
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");

    private final Map<EventType, Schema> schemas = new EnumMap<>(EventType.class);

    public DataRules() {
        ObjectMapper mapper = EventData.newObjectMapper();
        for (EventType type : EventType.values()) {
            if (type.inbound()) {
                schemas.put(type, Schema.load(mapper, type.schemaPath()));
            }
        }
    }

    /** Every problem of {@code data} (an event's data member) for an inbound {@code type}, pointers under {@code base}/data. */
    public List<Problem> check(EventType type, JsonNode data, String base) {
        String dataPointer = base + "/data";
        if (data == null || data.isNull() || data.isMissingNode()) {
            return List.of(new Problem(dataPointer, "is required"));
        }
        if (!data.isObject()) {
            return List.of(new Problem(dataPointer, "must be a JSON object"));
        }
        Schema schema = schemas.get(type);
        List<Problem> problems = new ArrayList<>();
        schema.properties().forEach((name, property) -> {
            String pointer = Problem.pointer(dataPointer, name);
            JsonNode value = data.get(name);
            if (value == null || value.isNull()) {
                if (schema.required().contains(name)) {
                    problems.add(new Problem(pointer, "is required"));
                }
                return;
            }
            String problem = property.problem(value);
            if (problem != null) {
                problems.add(new Problem(pointer, problem));
            }
        });
        return problems;
    }

    private record Schema(List<String> required, Map<String, Property> properties) {

        static Schema load(ObjectMapper mapper, String path) {
            try (InputStream in = EventType.class.getClassLoader().getResourceAsStream(path)) {
                if (in == null) {
                    throw new IllegalStateException("schema " + path + " is not on the classpath");
                }
                JsonNode json = mapper.readTree(in);
                List<String> required = new ArrayList<>();
                json.path("required").forEach(name -> required.add(name.asText()));
                Map<String, Property> properties = new LinkedHashMap<>();
                json.path("properties").properties().forEach(entry -> properties.put(entry.getKey(), Property.of(entry.getValue())));
                return new Schema(List.copyOf(required), properties);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private record Property(String type, List<String> values, Long minimum, Long maximum, Integer minLength,
            Integer maxLength, Pattern pattern, String format) {

        static Property of(JsonNode json) {
            JsonNode typeNode = json.path("type");
            // ["string", "null"] marks an optional field; null is handled before the property is checked.
            String type = typeNode.isArray() ? typeNode.get(0).asText() : typeNode.asText();
            List<String> values = new ArrayList<>();
            json.path("enum").forEach(value -> values.add(value.asText()));
            return new Property(type, values.isEmpty() ? null : List.copyOf(values),
                    json.has("minimum") ? json.get("minimum").asLong() : null,
                    json.has("maximum") ? json.get("maximum").asLong() : null,
                    json.has("minLength") ? json.get("minLength").asInt() : null,
                    json.has("maxLength") ? json.get("maxLength").asInt() : null,
                    json.has("pattern") ? Pattern.compile(json.get("pattern").asText()) : null,
                    json.has("format") ? json.get("format").asText() : null);
        }

        /** Why {@code value} breaks this property, or {@code null} if it does not. */
        String problem(JsonNode value) {
            return switch (type) {
                case "string" -> value.isTextual() ? textProblem(value.textValue()) : "must be a string, was " + value;
                case "integer" -> value.isNumber() && value.canConvertToExactIntegral()
                        ? rangeProblem(value.longValue()) : "must be an integer, was " + value;
                case "boolean" -> value.isBoolean() ? null : "must be true or false, was " + value;
                default -> throw new IllegalStateException("schema type " + type + " is not supported");
            };
        }

        private String textProblem(String text) {
            if (values != null && !values.contains(text)) {
                return "has invalid value \"" + text + "\": must be one of " + String.join(", ", values);
            }
            int length = text.codePointCount(0, text.length());
            if (minLength != null && length < minLength) {
                return minLength == 1 ? "must not be empty" : "must be at least " + minLength + " characters long";
            }
            if (maxLength != null && length > maxLength) {
                return "must be at most " + maxLength + " characters long, was " + length;
            }
            if (pattern != null && !pattern.matcher(text).find()) {
                return "has invalid value \"" + text + "\": must match " + pattern.pattern();
            }
            if ("date-time".equals(format)) {
                try {
                    OffsetDateTime.parse(text, RFC_3339);
                } catch (DateTimeParseException e) {
                    return "must be an RFC 3339 timestamp with offset (e.g. 2025-06-02T09:30:00+02:00), was \"" + text + "\"";
                }
            }
            if ("email".equals(format) && !EMAIL.matcher(text).matches()) {
                return "must be an email address, was \"" + text + "\"";
            }
            return null;
        }

        private String rangeProblem(long number) {
            if (minimum != null && number < minimum) {
                return maximum == null ? "must be at least " + minimum + ", was " + number
                        : "must be between " + minimum + " and " + maximum + ", was " + number;
            }
            if (maximum != null && number > maximum) {
                return minimum == null ? "must be at most " + maximum + ", was " + number
                        : "must be between " + minimum + " and " + maximum + ", was " + number;
            }
            return null;
        }
    }
}
