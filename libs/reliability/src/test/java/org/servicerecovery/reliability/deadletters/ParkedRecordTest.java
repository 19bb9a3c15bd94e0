package org.servicerecovery.reliability.deadletters;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

/** What a dead letter says about its original, and which dead letters a filter means. */
class ParkedRecordTest {

    private static final Instant PARKED_AT = Instant.parse("2025-06-02T10:00:00Z");

    @Test
    void theOriginalsHeadersAreAllButTheDeadLetterOnesInTheirOrder() {
        ParkedRecord parked = parked("Invalid CloudEvent: /data/tier has invalid value \"diamond\"",
                "ce_id", "e-1", "dead-letter-reason", "x", "ce_type", "complaint.filed", "traceparent", "00-ab",
                "dead-letter-exception-class-name", "java.lang.IllegalStateException", "dead-letter-topic", "intake.events",
                "dead-letter-partition", "4", "dead-letter-offset", "1234", "ce_type", "complaint.filed");

        assertEquals(List.of("ce_id", "ce_type", "traceparent", "ce_type"),
                parked.originalHeaders().stream().map(Header::key).toList());
        assertEquals("intake.events", parked.originalTopic());
        assertEquals(4, parked.originalPartition());
        assertEquals(1234L, parked.originalOffset());
    }

    @Test
    void aMissingOrUnreadablePlaceIsNull() {
        ParkedRecord parked = parked("bad", "dead-letter-partition", "four");
        assertNull(parked.originalTopic());
        assertNull(parked.originalPartition());
        assertNull(parked.originalOffset());
    }

    @Test
    void aFilterMatchesTimeFromInclusiveToExclusiveReasonTextInAnyCaseAndAPattern() {
        ParkedRecord parked = parked("Invalid CloudEvent: /data/tier has invalid value \"diamond\"");
        assertTrue(DeadLetterFilter.all().matches(parked));
        assertTrue(new DeadLetterFilter(PARKED_AT, PARKED_AT.plusSeconds(1), null, null).matches(parked));
        assertFalse(new DeadLetterFilter(null, PARKED_AT, null, null).matches(parked));
        assertFalse(new DeadLetterFilter(PARKED_AT.plusMillis(1), null, null, null).matches(parked));
        assertTrue(new DeadLetterFilter(null, null, "DIAMOND", null).matches(parked));
        assertFalse(new DeadLetterFilter(null, null, "gold", null).matches(parked));
        assertTrue(new DeadLetterFilter(null, null, null, Pattern.compile("/data/(tier|rating)")).matches(parked));
        assertFalse(new DeadLetterFilter(null, null, "diamond", Pattern.compile("^/data")).matches(parked));
    }

    private static ParkedRecord parked(String reason, String... headerPairs) {
        RecordHeaders headers = new RecordHeaders();
        headers.add("dead-letter-reason", reason.getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < headerPairs.length; i += 2) {
            headers.add(headerPairs[i], headerPairs[i + 1].getBytes(StandardCharsets.UTF_8));
        }
        return new ParkedRecord("intake.events.dlq", 0, 7, PARKED_AT, "cust-1".getBytes(StandardCharsets.UTF_8),
                new byte[0], headers);
    }
}
