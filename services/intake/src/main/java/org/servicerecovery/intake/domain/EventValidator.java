package org.servicerecovery.intake.domain;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.servicerecovery.events.CloudEvent;
import org.servicerecovery.events.CloudEvents;
import org.servicerecovery.events.CustomerEvent;
import org.servicerecovery.events.EventData;
import org.servicerecovery.events.EventType;
import org.servicerecovery.events.InvalidCloudEventException;
import org.servicerecovery.events.InvalidCloudEventException.Problem;

/**
 * The contract check of every inbound event, whichever door it came through. It collects every problem (envelope and
 * data together) so the CRM's developer can fix them in one go; pointers are into the structured form of the event,
 * under {@code base} for an event inside a batch.
 */
public final class EventValidator {

    private static final ObjectMapper MAPPER = EventData.newObjectMapper();
    private static final String INBOUND_TYPES = Arrays.stream(EventType.values()).filter(EventType::inbound)
            .map(EventType::type).collect(Collectors.joining(", "));

    /** Sizes that protect the service (OWASP API4): bytes of one event, events and bytes of one REST batch. */
    public record Limits(int eventBytes, int batchEvents, int batchBytes) {
    }

    /** A REST batch: either refused as a whole (not an array, empty, too big) or read event by event. */
    public sealed interface Batch {

        record Events(List<Verdict> verdicts) implements Batch {
        }

        record Refused(List<Problem> problems, boolean tooLarge) implements Batch {
        }
    }

    private final DataRules dataRules;
    private final Limits limits;

    public EventValidator(DataRules dataRules, Limits limits) {
        this.dataRules = dataRules;
        this.limits = limits;
    }

    /**
     * An {@code application/cloudevents-batch+json} body. It is not all-or-nothing: each event gets its own verdict,
     * with pointers such as {@code /3/data/rating}.
     */
    public Batch batch(byte[] body) {
        if (body.length > limits.batchBytes()) {
            return new Batch.Refused(List.of(new Problem("", "is " + body.length + " bytes; a batch may be at most "
                    + limits.batchBytes() + " bytes")), true);
        }
        Optional<Problem> notUtf8 = notUtf8(body, "");
        if (notUtf8.isPresent()) {
            return new Batch.Refused(List.of(notUtf8.get()), false);
        }
        JsonNode batch;
        try {
            batch = MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            return new Batch.Refused(List.of(new Problem("", "is not valid JSON: " + e.getOriginalMessage())), false);
        } catch (IOException e) {
            throw new IllegalStateException("reading a byte array does no I/O", e);
        }
        if (batch == null || !batch.isArray()) {
            return new Batch.Refused(List.of(new Problem("", "must be a JSON array of CloudEvents")), false);
        }
        if (batch.isEmpty()) {
            return new Batch.Refused(List.of(new Problem("", "must contain at least one event")), false);
        }
        if (batch.size() > limits.batchEvents()) {
            return new Batch.Refused(List.of(new Problem("", "has " + batch.size() + " events; a batch may hold at most "
                    + limits.batchEvents())), true);
        }
        List<Verdict> verdicts = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            try {
                verdicts.add(structured(MAPPER.writeValueAsBytes(batch.get(i)), "/" + i));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("a parsed JSON tree always serialises", e);
            }
        }
        return new Batch.Events(verdicts);
    }

    /** An {@code application/cloudevents+json} document: a REST body, a batch member or a structured-mode record. */
    public Verdict structured(byte[] json, String base) {
        if (json.length > limits.eventBytes()) {
            return tooLarge(base, json.length);
        }
        List<Problem> problems = new ArrayList<>();
        notUtf8(json, base).ifPresent(problems::add);
        if (!problems.isEmpty()) {
            return new Verdict.Invalid(problems, null, false);
        }
        try {
            // The valid path parses once: the decoder's tree is the event's data.
            CloudEvent event = CloudEvents.fromStructuredJson(json);
            return verdict(event, event.type(), event.dataschema(), event.data(), base, problems,
                    new String(json, StandardCharsets.UTF_8));
        } catch (InvalidCloudEventException e) {
            e.problems().forEach(problem -> problems.add(new Problem(base + problem.pointer(), problem.message())));
        }
        // The envelope is broken; the type and data are still checked so that one answer lists every problem.
        // Malformed JSON and a document that is not an object were reported by the decoder.
        JsonNode document = parseQuietly(json);
        if (document == null || !document.isObject()) {
            return new Verdict.Invalid(problems, null, false);
        }
        return verdict(null, document.path("type").textValue(), document.path("dataschema").textValue(),
                document.get("data"), base, problems, null);
    }

    /** A binary-mode Kafka record: attributes in {@code ce_*} headers, the data as the value. */
    public Verdict binary(Map<String, byte[]> headers, byte[] value) {
        int size = (value == null ? 0 : value.length)
                + headers.entrySet().stream().mapToInt(h -> h.getKey().length() + length(h.getValue())).sum();
        if (size > limits.eventBytes()) {
            return tooLarge("", size);
        }
        List<Problem> problems = new ArrayList<>();
        Map<String, String> texts = new LinkedHashMap<>();
        headers.forEach((name, bytes) -> {
            String pointer = name.startsWith(CloudEvents.HEADER_PREFIX)
                    ? Problem.pointer("", name.substring(CloudEvents.HEADER_PREFIX.length())) : "/" + name;
            notUtf8(bytes == null ? new byte[0] : bytes, pointer).ifPresentOrElse(problems::add,
                    () -> texts.put(name, bytes == null ? "" : new String(bytes, StandardCharsets.UTF_8)));
        });
        Optional<Problem> badData = value == null ? Optional.empty() : notUtf8(value, "/data");
        badData.ifPresent(problems::add);
        CloudEvent event = null;
        JsonNode data = null;
        if (badData.isEmpty()) {
            try {
                event = CloudEvents.fromBinary(texts, value);
                data = event.data();
            } catch (InvalidCloudEventException e) {
                problems.addAll(e.problems());
                data = parseQuietly(value);
            }
        }
        return verdict(event, texts.get(CloudEvents.HEADER_PREFIX + "type"),
                texts.get(CloudEvents.HEADER_PREFIX + "dataschema"), data, "", problems,
                event == null ? null : new String(CloudEvents.toStructuredJson(event), StandardCharsets.UTF_8));
    }

    /**
     * Adds the type and data checks to the envelope's problems. The data is checked even when the envelope is broken,
     * so one answer lists both.
     *
     * @param event the decoded event, {@code null} if its envelope is broken
     * @param raw the event's structured JSON as received, to store; {@code null} with a broken envelope
     */
    private Verdict verdict(CloudEvent event, String typeName, String dataschema, JsonNode data, String base,
            List<Problem> problems, String raw) {
        EventType type = typeName == null ? null : EventType.fromType(typeName).orElse(null);
        if (typeName != null && type == null) {
            problems.add(new Problem(base + "/type", "is not a known event type: \"" + typeName + "\"; CRMs send one of "
                    + INBOUND_TYPES));
        } else if (type != null && !type.inbound()) {
            problems.add(new Problem(base + "/type", "is \"" + typeName + "\", which only service-recovery publishes; "
                    + "CRMs send one of " + INBOUND_TYPES));
            type = null;
        }
        if (type != null) {
            if (dataschema != null && !dataschema.equals(type.dataschema())) {
                problems.add(new Problem(base + "/dataschema", "is " + dataschema + ", intake understands "
                        + type.dataschema() + " (or no dataschema)"));
            }
            String dataPointer = base + "/data";
            // Malformed data was reported by the decoder already; "is required" on top would mislead.
            if (problems.stream().noneMatch(problem -> problem.pointer().equals(dataPointer))) {
                problems.addAll(dataRules.check(type, data, base));
            }
        }
        if (data != null) {
            hasNul(data, base + "/data").ifPresent(problems::add);
        }
        if (event != null) {
            hasNul(attributes(event), base).ifPresent(problems::add);
        }
        if (!problems.isEmpty() || event == null) {
            return new Verdict.Invalid(problems, type, false);
        }
        CustomerEvent bound;
        try {
            bound = EventData.read(event, type.dataClass());
        } catch (InvalidCloudEventException e) {
            // The schema check should have caught it; the record is the final word, so its reason is reported.
            return new Verdict.Invalid(e.problems().stream()
                    .map(problem -> new Problem(base + problem.pointer(), problem.message())).toList(), type, false);
        }
        if (event.subject() != null && !event.subject().equals(bound.customerId())) {
            return new Verdict.Invalid(List.of(new Problem(base + "/subject", "is \"" + event.subject()
                    + "\" but must equal /data/customerId \"" + bound.customerId() + "\"")), type, false);
        }
        return new Verdict.Valid(event, type, bound, raw);
    }

    private Verdict tooLarge(String base, int size) {
        return new Verdict.Invalid(List.of(new Problem(base, "is " + size + " bytes; an event may be at most "
                + limits.eventBytes() + " bytes")), null, true);
    }

    private static Optional<Problem> notUtf8(byte[] bytes, String pointer) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        try {
            decoder.decode(buffer);
            return Optional.empty();
        } catch (CharacterCodingException e) {
            return Optional.of(new Problem(pointer, "is not valid UTF-8 (bad byte at offset " + buffer.position() + ")"));
        }
    }

    /** PostgreSQL text and JSONB cannot hold U+0000, so such an event could be neither stored nor published. */
    private static Optional<Problem> hasNul(JsonNode node, String pointer) {
        if (node.isTextual() && node.textValue().indexOf('\0') >= 0) {
            return Optional.of(new Problem(pointer, "must not contain the character U+0000"));
        }
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                Optional<Problem> found = hasNul(node.get(i), pointer + "/" + i);
                if (found.isPresent()) {
                    return found;
                }
            }
        }
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> member : node.properties()) {
                Optional<Problem> found = member.getKey().indexOf('\0') >= 0
                        ? Optional.of(new Problem(pointer, "must not contain the character U+0000 in a member name"))
                        : hasNul(member.getValue(), Problem.pointer(pointer, member.getKey()));
                if (found.isPresent()) {
                    return found;
                }
            }
        }
        return Optional.empty();
    }

    /** The event's string attributes (those a NUL could hide in), as a JSON object named like the structured form. */
    private static JsonNode attributes(CloudEvent event) {
        ObjectNode attributes = MAPPER.createObjectNode();
        attributes.put("id", event.id()).put("source", event.source()).put("type", event.type());
        if (event.subject() != null) {
            attributes.put("subject", event.subject());
        }
        event.extensions().forEach(attributes::put);
        return attributes;
    }

    private static JsonNode parseQuietly(byte[] value) {
        if (value == null || value.length == 0) {
            return null;
        }
        try {
            return MAPPER.readTree(value);
        } catch (IOException e) {
            // The codec already reported the malformed data.
            return null;
        }
    }

    private static int length(byte[] bytes) {
        return bytes == null ? 0 : bytes.length;
    }
}
