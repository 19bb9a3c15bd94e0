package org.servicerecovery.intake.api;

import java.time.OffsetDateTime;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

import org.servicerecovery.servicekit.Problem.FieldError;

/** What the events API answers. */
final class EventViews {

    private EventViews() {
    }

    /** One event's fate: accepted, duplicate (already accepted earlier, not published again) or rejected with why. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record EventResult(Integer index, String source, String id, String status, List<FieldError> problems) {
    }

    record BatchResult(int accepted, int duplicate, int rejected, List<EventResult> results) {
    }

    /**
     * A stored event: {@code status} is {@code published} once its normalised form left the outbox for intake.events,
     * {@code awaiting-publication} before.
     */
    record StoredEventView(String source, String id, String type, String customerId, String channel,
            OffsetDateTime receivedAt, String status, JsonNode event) {
    }
}
