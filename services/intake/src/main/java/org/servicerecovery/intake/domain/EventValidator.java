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
import java.util.Set;
import java.util.stream.Collectors;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.servicerecovery.events.CloudEvent;
import org.servicerecovery.events.CloudEvents;
import org.servicerecovery.events.CustomerEvent;
import org.servicerecovery.events.EventData;
import org.servicerecovery.events.EventType;
import org.servicerecovery.events.InvalidCloudEventException;
import org.servicerecovery.events.InvalidCloudEventException.Problem;
import org.servicerecovery.events.TextRules;

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
    public Batch batch(byte[] sent) {
        byte[] body = withoutByteOrderMark(sent);
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
            return new Batch.Refused(List.of(new Problem("", "is not valid JSON: " + echo(e.getOriginalMessage()))), false);
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
        List<byte[]> members = members(body);
        for (int i = 0; i < members.size(); i++) {
            verdicts.add(members.get(i) != null ? structured(members.get(i), "/" + i)
                    : new Verdict.Invalid(List.of(new Problem("/" + i, "must be a JSON object")), null, false));
        }
        return new Batch.Events(verdicts);
    }

    /**
     * The objects of a JSON array, each as the bytes it was sent as ({@code null} for a member that is no object):
     * stored as received, and checked as written, since a parsed tree drops the first of two members with the same
     * name and turns a number such as 1e400 into Infinity.
     */
    private static List<byte[]> members(byte[] array) {
        List<byte[]> members = new ArrayList<>();
        try (JsonParser parser = MAPPER.createParser(array)) {
            parser.nextToken();
            while (parser.nextToken() != JsonToken.END_ARRAY) {
                boolean object = parser.currentToken() == JsonToken.START_OBJECT;
                int start = (int) parser.currentTokenLocation().getByteOffset();
                parser.skipChildren();
                members.add(object ? Arrays.copyOfRange(array, start, (int) parser.currentLocation().getByteOffset()) : null);
            }
        } catch (IOException e) {
            throw new IllegalStateException("the batch was parsed once already", e);
        }
        return members;
    }

    /** An {@code application/cloudevents+json} document: a REST body, a batch member or a structured-mode record. */
    public Verdict structured(byte[] sent, String base) {
        byte[] json = withoutByteOrderMark(sent);
        if (json.length > limits.eventBytes()) {
            return tooLarge(base, json.length);
        }
        Optional<Problem> notUtf8 = notUtf8(json, base);
        if (notUtf8.isPresent()) {
            return new Verdict.Invalid(List.of(notUtf8.get()), null, false);
        }
        // Checked as written, so also the strings a parsed tree would not show (a repeated member name).
        List<Problem> problems = new ArrayList<>(TextRules.jsonProblems(json, base));
        try {
            // The valid path parses once: the decoder's tree is the event's data.
            CloudEvent event = CloudEvents.fromStructuredJson(json);
            return verdict(event, event.type(), event.dataschema(), event.data(), attributes(event), base, problems,
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
        Map<String, String> attributes = new LinkedHashMap<>();
        document.properties().forEach(member -> {
            if (member.getValue().isTextual()) {
                attributes.put(member.getKey(), member.getValue().textValue());
            }
        });
        return verdict(null, attributes.get("type"), attributes.get("dataschema"), document.get("data"), attributes,
                base, problems, null);
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
        Map<String, String> attributes = new LinkedHashMap<>();
        headers.forEach((name, bytes) -> {
            boolean attribute = name.startsWith(CloudEvents.HEADER_PREFIX);
            if (!attribute && !name.equalsIgnoreCase(CloudEvents.CONTENT_TYPE_HEADER)) {
                return; // a transport header (tracing, the producer's own): not part of the event, not stored
            }
            String attributeName = attribute ? name.substring(CloudEvents.HEADER_PREFIX.length()) : "datacontenttype";
            String pointer = Problem.pointer("", attributeName);
            Optional<Problem> notUtf8 = notUtf8(bytes == null ? new byte[0] : bytes, pointer);
            if (notUtf8.isPresent()) {
                problems.add(notUtf8.get());
                return;
            }
            String text = bytes == null ? "" : new String(bytes, StandardCharsets.UTF_8);
            TextRules.problem(text).ifPresent(problem -> problems.add(new Problem(pointer, problem)));
            texts.put(name, text);
            attributes.put(attributeName, text);
        });
        Optional<Problem> badData = value == null ? Optional.empty() : notUtf8(value, "/data");
        badData.ifPresent(problems::add);
        CloudEvent event = null;
        JsonNode data = null;
        if (badData.isEmpty()) {
            if (value != null) {
                problems.addAll(TextRules.jsonProblems(value, "/data"));
            }
            try {
                event = CloudEvents.fromBinary(texts, value);
                data = event.data();
            } catch (InvalidCloudEventException e) {
                problems.addAll(e.problems());
                data = parseQuietly(value);
            }
        }
        return verdict(event, attributes.get("type"), attributes.get("dataschema"), data, attributes, "", problems,
                event == null ? null : new String(CloudEvents.toStructuredJson(event), StandardCharsets.UTF_8));
    }

    /**
     * Adds the envelope's limits and the type and data checks to the problems found so far. The data is checked even
     * when the envelope is broken, so one answer lists both.
     *
     * @param event the decoded event, {@code null} if its envelope is broken
     * @param attributes the envelope's attributes as text, as far as they could be read
     * @param raw the event's structured JSON as received, to store; {@code null} with a broken envelope
     */
    private Verdict verdict(CloudEvent event, String typeName, String dataschema, JsonNode data,
            Map<String, String> attributes, String base, List<Problem> problems, String raw) {
        problems.addAll(dataRules.checkEnvelope(attributes, base));
        EventType type = typeName == null ? null : EventType.fromType(typeName).orElse(null);
        if (typeName != null && type == null) {
            problems.add(new Problem(base + "/type", "is not a known event type: \"" + echo(typeName)
                    + "\"; CRMs send one of " + INBOUND_TYPES));
        } else if (type != null && !type.inbound()) {
            problems.add(new Problem(base + "/type", "is \"" + typeName + "\", which only service-recovery publishes; "
                    + "CRMs send one of " + INBOUND_TYPES));
            type = null;
        }
        if (type != null) {
            if (dataschema != null && !dataschema.equals(type.dataschema())) {
                problems.add(new Problem(base + "/dataschema", "is " + echo(dataschema) + ", intake understands "
                        + type.dataschema() + " (or no dataschema)"));
            }
            String dataPointer = base + "/data";
            // Malformed data was reported by the decoder already; "is required" on top would mislead. A field with a
            // problem already (a NUL, a number beyond bounds) is reported once.
            Set<String> reported = problems.stream().map(Problem::pointer).collect(Collectors.toSet());
            if (!reported.contains(dataPointer)) {
                dataRules.check(type, data, base).stream().filter(problem -> !reported.contains(problem.pointer()))
                        .forEach(problems::add);
            }
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
            return new Verdict.Invalid(List.of(new Problem(base + "/subject", "is \"" + echo(event.subject())
                    + "\" but must equal /data/customerId \"" + echo(bound.customerId()) + "\"")), type, false);
        }
        return new Verdict.Valid(event, type, bound, raw);
    }

    private Verdict tooLarge(String base, int size) {
        return new Verdict.Invalid(List.of(new Problem(base, "is " + size + " bytes; an event may be at most "
                + limits.eventBytes() + " bytes")), null, true);
    }

    /**
     * RFC 8259 lets a parser ignore a byte order mark, and Jackson does; PostgreSQL's jsonb refuses it (22P02), and the
     * raw JSON is stored there, so it is dropped.
     */
    private static byte[] withoutByteOrderMark(byte[] json) {
        boolean mark = json.length >= 3 && json[0] == (byte) 0xEF && json[1] == (byte) 0xBB && json[2] == (byte) 0xBF;
        return mark ? Arrays.copyOfRange(json, 3, json.length) : json;
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

    /** The attributes whose limits {@link DataRules#checkEnvelope} checks, as text. */
    private static Map<String, String> attributes(CloudEvent event) {
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("id", event.id());
        attributes.put("source", event.source());
        if (event.subject() != null) {
            attributes.put("subject", event.subject());
        }
        if (event.time() != null) {
            attributes.put("time", event.time().toString());
        }
        return attributes;
    }

    /** A value quoted in a message: short and printable, since messages reach logs and dead-letter headers. */
    private static String echo(String value) {
        return TextRules.printable(value, 100);
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
