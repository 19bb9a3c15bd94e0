package org.servicerecovery.events;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import org.servicerecovery.events.InvalidCloudEventException.Problem;

/**
 * Binds an event's {@code data} to its record and back, with the JSON settings the contract needs.
 */
public final class EventData {

    private static final ObjectMapper MAPPER = newObjectMapper();

    private EventData() {
    }

    /**
     * A mapper configured for event data. Use it, or the same settings, wherever event records are
     * (de)serialised outside this class:
     * <ul>
     * <li>timestamps as RFC 3339 strings that keep the offset they were sent with: "due 17:00 customer time"
     * must not silently become UTC;</li>
     * <li>unknown properties ignored: adding an optional field is a compatible change, so readers must
     * tolerate fields they do not know yet;</li>
     * <li>a missing {@code int} or {@code boolean} is an error rather than {@code 0} or {@code false}: a
     * missing rating is not a rating of 0.</li>
     * </ul>
     */
    public static ObjectMapper newObjectMapper() {
        return JsonMapper.builder()
                .addModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .build();
    }

    /** Shared within the package; an ObjectMapper is mutable, so it is never handed out. */
    static ObjectMapper mapper() {
        return MAPPER;
    }

    /**
     * Wraps data in the envelope of its event type: {@code subject} is the customer id and
     * {@code dataschema} the type's schema, so readers can tell versions apart.
     *
     * @param id unique per {@code source}; derive it from what caused the event (e.g. the promise id and
     *        the transition) so that publishing again after a crash is de-duplicated downstream
     */
    public static CloudEvent wrap(String id, String source, OffsetDateTime time, CustomerEvent data) {
        EventType type = EventType.of(data.getClass());
        return new CloudEvent(CloudEvent.SPEC_VERSION, id, source, type.type(), data.customerId(), time,
                CloudEvent.JSON_CONTENT_TYPE, type.dataschema(), MAPPER.valueToTree(data), Map.of());
    }

    /** The data of an event of any catalogued type, as the record its {@code type} names. */
    public static CustomerEvent read(CloudEvent event) {
        EventType type = EventType.fromType(event.type())
                .orElseThrow(() -> invalid("/type", "is not a known event type: \"" + event.type() + "\""));
        return read(event, type.dataClass());
    }

    /** The data of an event whose type the caller already knows, e.g. from its topic and a {@code type} switch. */
    public static <T extends CustomerEvent> T read(CloudEvent event, Class<T> dataClass) {
        EventType expected = EventType.of(dataClass);
        if (!expected.type().equals(event.type())) {
            throw invalid("/type", "is \"" + event.type() + "\", expected \"" + expected.type() + "\"");
        }
        // An absent dataschema means version 1: CRMs are not required to send it.
        if (event.dataschema() != null && !event.dataschema().equals(expected.dataschema())) {
            throw invalid("/dataschema",
                    "is " + event.dataschema() + ", this reader understands " + expected.dataschema());
        }
        if (event.data() == null) {
            throw invalid("/data", "is required");
        }
        try {
            return MAPPER.treeToValue(event.data(), dataClass);
        } catch (JsonMappingException e) {
            throw new InvalidCloudEventException(List.of(problem(event.data(), e)));
        } catch (JsonProcessingException e) {
            throw invalid("/data", TextRules.printable(e.getOriginalMessage(), 300));
        }
    }

    /** Turns Jackson's error into a pointer at the offending field and a message an integrator can act on. */
    private static Problem problem(JsonNode data, JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference reference : e.getPath()) {
            path.append(reference.getFieldName() != null
                    ? Problem.pointer("", reference.getFieldName())
                    : "/" + reference.getIndex());
        }
        Throwable cause = e.getCause();
        if (e instanceof ValueInstantiationException && cause != null && cause.getMessage() != null) {
            // Records reject a missing required component with requireNonNull(value, "componentName").
            return cause instanceof NullPointerException
                    ? new Problem(Problem.pointer("/data" + path, cause.getMessage()), "is required")
                    : new Problem("/data" + path, cause.getMessage());
        }
        JsonNode value = data.at(path.toString());
        if (value.isMissingNode() || value.isNull()) {
            return new Problem("/data" + path, "is required");
        }
        if (e instanceof InvalidFormatException format) {
            return new Problem("/data" + path, "has invalid value " + value + " for "
                    + format.getTargetType().getSimpleName());
        }
        return new Problem("/data" + path, TextRules.printable(e.getOriginalMessage(), 300));
    }

    private static InvalidCloudEventException invalid(String pointer, String message) {
        return new InvalidCloudEventException(List.of(new Problem(pointer, message)));
    }
}
