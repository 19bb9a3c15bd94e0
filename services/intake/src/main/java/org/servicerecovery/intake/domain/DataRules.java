package org.servicerecovery.intake.domain;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.Period;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.IllformedLocaleException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.servicerecovery.events.EventData;
import org.servicerecovery.events.EventType;
import org.servicerecovery.events.InvalidCloudEventException.Problem;
import org.servicerecovery.events.TextRules;

/**
 * Checks an inbound event's {@code data}, and the lengths and time of its envelope, against the JSON Schemas in
 * {@code libs/events}, reporting every broken field at once. Binding to the record stops at the first error, and a
 * CRM developer fixing a payload wants the whole list. The inbound schemas are flat objects using only type,
 * required, enum, minimum/maximum, minLength/maxLength, pattern and the date-time, email, iana-time-zone and
 * language-tag formats, plus two keywords of this contract: {@code x-maxBytes} (UTF-8 length, for ids that become
 * database keys) and {@code x-deadline} (a time that may lie years ahead). That is what this covers.
 */
public final class DataRules {

    // RFC 3339 needs an offset: "2025-06-02T09:30:00" is ambiguous by hours, so it is refused, not guessed.
    private static final DateTimeFormatter RFC_3339 = DateTimeFormatter.ISO_OFFSET_DATE_TIME;
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");
    private static final Set<String> TIME_ZONES = Set.copyOf(ZoneId.getAvailableZoneIds());
    private static final String ENVELOPE_SCHEMA = "schemas/cloudevent.v1.json";
    /** Envelope attributes whose limits the envelope schema states; the CloudEvents rules check the rest. */
    private static final List<String> LIMITED_ATTRIBUTES = List.of("id", "source", "subject", "time");
    private static final int ECHOED_CHARACTERS = 100;

    /**
     * The times an event may carry. Nothing before {@code earliest}: no CRM's data is that old, and a year such as
     * 1900 is a default value, not a time. Something that happened at most {@code futureSkew} ahead of now (clocks
     * differ; a year-9999 time would hold a customer's score forever). A deadline at most {@code deadlineHorizon}
     * ahead.
     */
    public record Times(Instant earliest, Duration futureSkew, Period deadlineHorizon, Clock clock) {
    }

    private final Map<EventType, Schema> schemas = new EnumMap<>(EventType.class);
    private final Schema envelope;
    private final Times times;

    public DataRules(Times times) {
        this.times = times;
        ObjectMapper mapper = EventData.newObjectMapper();
        for (EventType type : EventType.values()) {
            if (type.inbound()) {
                schemas.put(type, Schema.load(mapper, type.schemaPath()));
            }
        }
        envelope = Schema.load(mapper, ENVELOPE_SCHEMA);
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
        Instant now = times.clock().instant();
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
            String problem = property.problem(value, times, now);
            if (problem != null) {
                problems.add(new Problem(pointer, problem));
            }
        });
        return problems;
    }

    /**
     * The lengths of the envelope's {@code id}, {@code source} and {@code subject} and the window of its {@code time},
     * for those of {@code attributes} (name to value) that are present. Their other rules are the CloudEvents rules
     * of the decoder; a {@code time} that does not parse was reported there.
     */
    public List<Problem> checkEnvelope(Map<String, String> attributes, String base) {
        Instant now = times.clock().instant();
        List<Problem> problems = new ArrayList<>();
        for (String name : LIMITED_ATTRIBUTES) {
            String value = attributes.get(name);
            Property property = envelope.properties().get(name);
            String problem = value == null ? null : property.limitProblem(value, times, now);
            if (problem != null) {
                problems.add(new Problem(base + "/" + name, problem));
            }
        }
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
            Integer maxLength, Integer maxBytes, Pattern pattern, String format, boolean deadline) {

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
                    json.has("x-maxBytes") ? json.get("x-maxBytes").asInt() : null,
                    json.has("pattern") ? Pattern.compile(json.get("pattern").asText()) : null,
                    json.has("format") ? json.get("format").asText() : null,
                    json.path("x-deadline").asBoolean(false));
        }

        /** Why {@code value} breaks this property, or {@code null} if it does not. */
        String problem(JsonNode value, Times times, Instant now) {
            return switch (type) {
                case "string" -> value.isTextual() ? textProblem(value.textValue(), times, now)
                        : "must be a string, was " + echo(value.toString());
                case "integer" -> value.isNumber() && value.canConvertToExactIntegral()
                        ? rangeProblem(value.decimalValue()) : "must be an integer, was " + echo(value.toString());
                case "boolean" -> value.isBoolean() ? null : "must be true or false, was " + echo(value.toString());
                default -> throw new IllegalStateException("schema type " + type + " is not supported");
            };
        }

        private String textProblem(String text, Times times, Instant now) {
            if (values != null && !values.contains(text)) {
                return "has invalid value \"" + echo(text) + "\": must be one of " + String.join(", ", values);
            }
            int length = text.codePointCount(0, text.length());
            if (minLength != null && length < minLength) {
                return minLength == 1 ? "must not be empty" : "must be at least " + minLength + " characters long";
            }
            String limit = lengthProblem(text, length);
            if (limit != null) {
                return limit;
            }
            if (pattern != null && !pattern.matcher(text).find()) {
                return "has invalid value \"" + echo(text) + "\": must match " + pattern.pattern();
            }
            if (format == null) {
                return null;
            }
            return switch (format) {
                case "date-time" -> {
                    OffsetDateTime time = parseTime(text);
                    yield time == null ? "must be an RFC 3339 timestamp with offset (e.g. 2025-06-02T09:30:00+02:00), was \""
                            + echo(text) + "\"" : windowProblem(time, times, now);
                }
                case "email" -> EMAIL.matcher(text).matches() ? null : "must be an email address, was \"" + echo(text) + "\"";
                case "iana-time-zone" -> TIME_ZONES.contains(text) ? null : "is \"" + echo(text) + "\", which is not a "
                        + "time zone of the IANA database such as Europe/Berlin (fixed offsets such as +02:00 are not "
                        + "accepted: they ignore daylight saving time)";
                case "language-tag" -> languageTagProblem(text);
                default -> null;
            };
        }

        /** Only the limits (lengths, time window): the envelope's other rules are the decoder's. */
        String limitProblem(String text, Times times, Instant now) {
            String limit = lengthProblem(text, text.codePointCount(0, text.length()));
            if (limit != null || !"date-time".equals(format)) {
                return limit;
            }
            OffsetDateTime time = parseTime(text);
            return time == null ? null : windowProblem(time, times, now);
        }

        private String lengthProblem(String text, int length) {
            if (maxLength != null && length > maxLength) {
                return "must be at most " + maxLength + " characters long, was " + length;
            }
            if (maxBytes != null && TextRules.utf8Length(text) > maxBytes) {
                return "must be at most " + maxBytes + " bytes long in UTF-8, was " + TextRules.utf8Length(text);
            }
            return null;
        }

        private String windowProblem(OffsetDateTime time, Times times, Instant now) {
            if (time.toInstant().isBefore(times.earliest())) {
                return "is " + time + ", before " + times.earliest() + ", the earliest time an event may carry";
            }
            OffsetDateTime latest = deadline ? now.atOffset(ZoneOffset.UTC).plus(times.deadlineHorizon())
                    : now.atOffset(ZoneOffset.UTC).plus(times.futureSkew());
            if (time.isAfter(latest)) {
                return deadline
                        ? "is " + time + ", more than " + times.deadlineHorizon() + " ahead of now"
                        : "is " + time + ", in the future (more than " + times.futureSkew() + " ahead of now)";
            }
            return null;
        }

        private static OffsetDateTime parseTime(String text) {
            try {
                return OffsetDateTime.parse(text, RFC_3339);
            } catch (DateTimeParseException e) {
                return null;
            }
        }

        /** Well-formed BCP 47, naming a language, in its canonical form (so every reader takes it the same way). */
        private static String languageTagProblem(String text) {
            Locale locale;
            try {
                locale = new Locale.Builder().setLanguageTag(text).build();
            } catch (IllformedLocaleException e) {
                return "is \"" + echo(text) + "\", which is not a well-formed BCP 47 language tag such as de-DE";
            }
            if (locale.getLanguage().isEmpty()) {
                return "is \"" + echo(text) + "\", which names no language; send one such as de-DE";
            }
            if (!locale.toLanguageTag().equalsIgnoreCase(text)) {
                return "is \"" + echo(text) + "\", a deprecated form of \"" + locale.toLanguageTag() + "\"; send that";
            }
            return null;
        }

        private String rangeProblem(BigDecimal number) {
            boolean below = minimum != null && number.compareTo(BigDecimal.valueOf(minimum)) < 0;
            boolean above = maximum != null && number.compareTo(BigDecimal.valueOf(maximum)) > 0;
            if (!below && !above) {
                return null;
            }
            String was = ", was " + echo(number.toString());
            if (minimum != null && maximum != null) {
                return "must be between " + minimum + " and " + maximum + was;
            }
            return below ? "must be at least " + minimum + was : "must be at most " + maximum + was;
        }

        /** A value quoted in a message: short and printable, since messages reach logs and dead-letter headers. */
        private static String echo(String value) {
            return TextRules.printable(value, ECHOED_CHARACTERS);
        }
    }
}
