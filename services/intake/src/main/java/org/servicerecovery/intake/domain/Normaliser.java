package org.servicerecovery.intake.domain;

import java.time.OffsetDateTime;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.ObjectMapper;

import org.servicerecovery.events.CloudEvent;
import org.servicerecovery.events.EventData;

/**
 * Turns an accepted CRM event into the event intake publishes on intake.events: same source and id (so the
 * de-duplication key survives end to end), the customer id as subject and key, the type's dataschema, the data as its
 * record writes it (unknown fields and nulls dropped), the CRM's extensions kept, plus {@code causationid} (the event
 * this one was caused by) and {@code traceparent}.
 */
public final class Normaliser {

    public static final String CAUSATION_ID = "causationid";
    public static final String TRACEPARENT = "traceparent";

    private static final ObjectMapper MAPPER = EventData.newObjectMapper();

    private Normaliser() {
    }

    /**
     * @param transportTraceparent the traceparent of the Kafka record or HTTP request, used when the event has none
     * @param receivedAt the event's time when the CRM sent none: downstream services need a time for ordering
     */
    public static CloudEvent normalise(Verdict.Valid valid, String transportTraceparent, OffsetDateTime receivedAt) {
        CloudEvent event = valid.event();
        Map<String, String> extensions = new TreeMap<>(event.extensions());
        extensions.put(CAUSATION_ID, event.id());
        extensions.put(TRACEPARENT, TraceParent.next(event.extensions().get(TRACEPARENT), transportTraceparent));
        return new CloudEvent(CloudEvent.SPEC_VERSION, event.id(), event.source(), valid.type().type(),
                valid.data().customerId(), event.time() != null ? event.time() : receivedAt, CloudEvent.JSON_CONTENT_TYPE,
                valid.type().dataschema(), MAPPER.valueToTree(valid.data()), extensions);
    }
}
