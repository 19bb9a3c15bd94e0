package org.servicerecovery.events;

import java.time.OffsetDateTime;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;

import org.servicerecovery.events.InvalidCloudEventException.Problem;

/**
 * A CloudEvents 1.0 event: the envelope every message on every topic travels in.
 *
 * <p>{@code (source, id)} identifies an event. Consumers de-duplicate on that pair, so a producer that sends
 * an event again (a retry, a replay) must reuse its id.
 *
 * <p>Optional attributes are {@code null} when absent; {@code datacontenttype} absent means
 * {@code application/json}. {@code data} is any JSON value, or {@code null} for an event without data; treat
 * it as read-only. {@code extensions} holds every other attribute in its canonical string form.
 *
 * <p>The constructor throws {@link InvalidCloudEventException} if an attribute breaks the CloudEvents rules,
 * so an invalid event can neither be built nor decoded.
 */
public record CloudEvent(
        String specversion,
        String id,
        String source,
        String type,
        String subject,
        OffsetDateTime time,
        String datacontenttype,
        String dataschema,
        JsonNode data,
        Map<String, String> extensions) {

    public static final String SPEC_VERSION = CloudEventRules.SPEC_VERSION;
    public static final String JSON_CONTENT_TYPE = "application/json";

    public CloudEvent {
        // Sorted, so encoders write extensions in the same order every time.
        extensions = extensions == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(extensions));
        List<Problem> problems = CloudEventRules.check("", specversion, id, source, type, subject,
                datacontenttype, dataschema, extensions);
        if (!problems.isEmpty()) {
            throw new InvalidCloudEventException(problems);
        }
    }

    /** An event with JSON data, no {@code dataschema} and no extensions. */
    public static CloudEvent of(String id, String source, String type, String subject, OffsetDateTime time,
            JsonNode data) {
        return new CloudEvent(SPEC_VERSION, id, source, type, subject, time, JSON_CONTENT_TYPE, null, data, Map.of());
    }
}
