package org.servicerecovery.events;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.servicerecovery.events.InvalidCloudEventException.Problem;

/**
 * Encodes and decodes {@link CloudEvent}s: the JSON event format (structured and batch) and the Kafka
 * protocol binding 1.0 (binary and structured content modes).
 *
 * <p>Every decoder reports all problems of an event at once, as JSON Pointers into its structured form.
 */
public final class CloudEvents {

    public static final String STRUCTURED_CONTENT_TYPE = "application/cloudevents+json";
    public static final String BATCH_CONTENT_TYPE = "application/cloudevents-batch+json";

    /** Kafka header that carries {@code datacontenttype} in binary mode and the event format in structured mode. */
    public static final String CONTENT_TYPE_HEADER = "content-type";

    /** Prefix of the Kafka headers that carry the other attributes in binary mode. */
    public static final String HEADER_PREFIX = "ce_";

    private static final ObjectMapper MAPPER = EventData.mapper();

    private CloudEvents() {
    }

    /** The event as an {@code application/cloudevents+json} document. */
    public static byte[] toStructuredJson(CloudEvent event) {
        return write(toObject(event));
    }

    public static CloudEvent fromStructuredJson(byte[] json) {
        return fromObject(parse(json, ""), "");
    }

    /** The events as an {@code application/cloudevents-batch+json} document. Not for Kafka, which has no batch mode. */
    public static byte[] toBatchJson(List<CloudEvent> events) {
        ArrayNode batch = MAPPER.createArrayNode();
        events.forEach(event -> batch.add(toObject(event)));
        return write(batch);
    }

    /** Decodes a batch; if any event is invalid, throws with the problems of all of them ({@code /3/id ...}). */
    public static List<CloudEvent> fromBatchJson(byte[] json) {
        JsonNode batch = parse(json, "");
        if (!batch.isArray()) {
            throw new InvalidCloudEventException(List.of(new Problem("", "must be a JSON array of events")));
        }
        List<CloudEvent> events = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            try {
                events.add(fromObject(batch.get(i), "/" + i));
            } catch (InvalidCloudEventException e) {
                problems.addAll(e.problems());
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidCloudEventException(problems);
        }
        return List.copyOf(events);
    }

    /**
     * Kafka headers for binary mode: {@code ce_<attribute>} for every attribute present, and
     * {@code content-type} for {@code datacontenttype}. Send {@link #toBinaryData} as the record value.
     */
    public static Map<String, String> toBinaryHeaders(CloudEvent event) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(HEADER_PREFIX + "specversion", event.specversion());
        headers.put(HEADER_PREFIX + "id", event.id());
        headers.put(HEADER_PREFIX + "source", event.source());
        headers.put(HEADER_PREFIX + "type", event.type());
        putIfPresent(headers, HEADER_PREFIX + "subject", event.subject());
        putIfPresent(headers, HEADER_PREFIX + "time", event.time() == null ? null : formatTime(event.time()));
        putIfPresent(headers, HEADER_PREFIX + "dataschema", event.dataschema());
        event.extensions().forEach((name, value) -> headers.put(HEADER_PREFIX + name, value));
        putIfPresent(headers, CONTENT_TYPE_HEADER, event.datacontenttype());
        return Collections.unmodifiableMap(headers);
    }

    /** The Kafka record value for binary mode: the data as JSON, or {@code null} (no value) if there is none. */
    public static byte[] toBinaryData(CloudEvent event) {
        return event.data() == null ? null : write(event.data());
    }

    /**
     * Decodes a binary-mode Kafka record. Headers other than {@code content-type} and {@code ce_*} (tracing,
     * dead-letter details) are transport metadata and are ignored. {@code content-type} is matched
     * case-insensitively because producers bridged from HTTP often send {@code Content-Type}.
     */
    public static CloudEvent fromBinary(Map<String, String> headers, byte[] body) {
        List<Problem> problems = new ArrayList<>();
        Map<String, String> attributes = new TreeMap<>();
        Map<String, String> extensions = new TreeMap<>();
        headers.forEach((key, value) -> {
            if (key.equalsIgnoreCase(CONTENT_TYPE_HEADER)) {
                attributes.put("datacontenttype", value);
            } else if (key.startsWith(HEADER_PREFIX)) {
                String name = key.substring(HEADER_PREFIX.length());
                if (name.equals("datacontenttype")) {
                    problems.add(new Problem("/datacontenttype",
                            "must be sent as the content-type header, not ce_datacontenttype"));
                } else if (CloudEventRules.CONTEXT_ATTRIBUTES.contains(name)) {
                    attributes.put(name, value);
                } else {
                    extensions.put(name, value);
                }
            }
        });
        JsonNode data = null;
        if (body != null && body.length > 0) {
            try {
                data = parse(body, "/data");
            } catch (InvalidCloudEventException e) {
                problems.addAll(e.problems());
            }
        }
        return build("", attributes, extensions, data, problems);
    }

    /**
     * Decodes a Kafka record in either content mode, told apart by its {@code content-type} header as the
     * Kafka protocol binding prescribes.
     */
    public static CloudEvent fromKafka(Map<String, String> headers, byte[] value) {
        String contentType = headers.entrySet().stream()
                .filter(header -> header.getKey().equalsIgnoreCase(CONTENT_TYPE_HEADER))
                .map(Map.Entry::getValue)
                .findFirst()
                .orElse(null);
        String mediaType = contentType == null ? "" : CloudEventRules.essence(contentType);
        if (!mediaType.startsWith("application/cloudevents")) {
            return fromBinary(headers, value);
        }
        if (mediaType.equals(STRUCTURED_CONTENT_TYPE)) {
            return fromStructuredJson(value);
        }
        throw new InvalidCloudEventException(List.of(new Problem("",
                "has content-type " + contentType + ", which Kafka does not carry: use binary mode or "
                        + STRUCTURED_CONTENT_TYPE)));
    }

    private static ObjectNode toObject(CloudEvent event) {
        ObjectNode json = MAPPER.createObjectNode();
        json.put("specversion", event.specversion());
        json.put("id", event.id());
        json.put("source", event.source());
        json.put("type", event.type());
        putIfPresent(json, "subject", event.subject());
        putIfPresent(json, "time", event.time() == null ? null : formatTime(event.time()));
        putIfPresent(json, "datacontenttype", event.datacontenttype());
        putIfPresent(json, "dataschema", event.dataschema());
        event.extensions().forEach(json::put);
        if (event.data() != null) {
            json.set("data", event.data());
        }
        return json;
    }

    private static CloudEvent fromObject(JsonNode json, String base) {
        if (!json.isObject()) {
            throw new InvalidCloudEventException(List.of(new Problem(base, "must be a JSON object")));
        }
        List<Problem> problems = new ArrayList<>();
        Map<String, String> attributes = new TreeMap<>();
        Map<String, String> extensions = new TreeMap<>();
        JsonNode data = null;
        for (Map.Entry<String, JsonNode> member : json.properties()) {
            String name = member.getKey();
            JsonNode value = member.getValue();
            String pointer = Problem.pointer(base, name);
            if (name.equals("data_base64")) {
                problems.add(new Problem(pointer, "is not supported: event data must be JSON, in data"));
            } else if (value.isNull()) {
                // The JSON event format treats a null attribute as an absent one.
                continue;
            } else if (name.equals("data")) {
                data = value;
            } else if (CloudEventRules.CONTEXT_ATTRIBUTES.contains(name)) {
                if (value.isTextual()) {
                    attributes.put(name, value.textValue());
                } else {
                    problems.add(new Problem(pointer, "must be a string"));
                }
            } else if (value.isValueNode()) {
                extensions.put(name, value.asText());
            } else {
                problems.add(new Problem(pointer, "must be a string, number or boolean"));
            }
        }
        return build(base, attributes, extensions, data, problems);
    }

    /** Checks the decoded attributes against every rule before building, so all problems surface together. */
    private static CloudEvent build(String base, Map<String, String> attributes, Map<String, String> extensions,
            JsonNode data, List<Problem> problems) {
        OffsetDateTime time = null;
        String rawTime = attributes.get("time");
        if (rawTime != null) {
            try {
                time = OffsetDateTime.parse(rawTime);
            } catch (DateTimeParseException e) {
                problems.add(new Problem(base + "/time",
                        "must be an RFC 3339 timestamp with offset, was \"" + TextRules.printable(rawTime, 100) + "\""));
            }
        }
        problems.addAll(CloudEventRules.check(base, attributes.get("specversion"), attributes.get("id"),
                attributes.get("source"), attributes.get("type"), attributes.get("subject"),
                attributes.get("datacontenttype"), attributes.get("dataschema"), extensions));
        if (!problems.isEmpty()) {
            throw new InvalidCloudEventException(problems);
        }
        return new CloudEvent(attributes.get("specversion"), attributes.get("id"), attributes.get("source"),
                attributes.get("type"), attributes.get("subject"), time, attributes.get("datacontenttype"),
                attributes.get("dataschema"), data, extensions);
    }

    private static String formatTime(OffsetDateTime time) {
        return DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(time);
    }

    private static JsonNode parse(byte[] json, String pointer) {
        try {
            return MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new InvalidCloudEventException(
                    List.of(new Problem(pointer, "is not valid JSON: " + TextRules.printable(e.getOriginalMessage(), 300))));
        } catch (IOException e) {
            // Reading from a byte array does no I/O; Jackson merely declares it.
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] write(JsonNode json) {
        try {
            return MAPPER.writeValueAsBytes(json);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void putIfPresent(Map<String, String> headers, String name, String value) {
        if (value != null) {
            headers.put(name, value);
        }
    }

    private static void putIfPresent(ObjectNode json, String name, String value) {
        if (value != null) {
            json.put(name, value);
        }
    }
}
