package org.servicerecovery.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;


import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.servicerecovery.events.crm.ContactChannel;
import org.servicerecovery.events.crm.CustomerUpserted;
import org.servicerecovery.events.crm.FeedbackReceived;
import org.servicerecovery.events.crm.Tier;
import org.servicerecovery.events.domain.PromiseMissed;

class EventDataTest {

    private final ObjectMapper mapper = EventData.newObjectMapper();

    @Test
    void everyEventTypeHasASample() {
        assertEquals(EventType.values().length, Samples.all().size());
    }

    @ParameterizedTest
    @EnumSource(EventType.class)
    void dataRecordsRoundTripThroughJson(EventType type) throws Exception {
        CustomerEvent sample = Samples.all().get(type);

        byte[] json = mapper.writeValueAsBytes(sample);

        assertEquals(sample, mapper.readValue(json, type.dataClass()));
    }

    @ParameterizedTest
    @EnumSource(EventType.class)
    void wrappedEventsRoundTripThroughTheWire(EventType type) {
        CustomerEvent sample = Samples.all().get(type);

        CloudEvent event = EventData.wrap("evt-1", "urn:service-recovery:test", Samples.T0, sample);
        CloudEvent received = CloudEvents.fromStructuredJson(CloudEvents.toStructuredJson(event));

        assertEquals(type.type(), received.type());
        assertEquals(sample.customerId(), received.subject());
        assertEquals(type.dataschema(), received.dataschema());
        assertEquals(sample, EventData.read(received));
        assertEquals(sample, EventData.read(received, type.dataClass()));
    }

    @Test
    void enumsAndTimestampsAreWrittenAsTheSchemasSay() {
        JsonNode json = mapper.valueToTree(Samples.all().get(EventType.COMPLAINT_FILED));

        assertEquals("in_person", json.get("channel").asText());
        assertEquals("high", json.get("severity").asText());
        // The producer's offset survives: a customer's local deadline must not turn into UTC.
        assertEquals("2025-06-02T09:30:00+02:00", json.get("occurredAt").asText());
        assertEquals("missed-promise",
                mapper.valueToTree(Samples.all().get(EventType.RECOVERY_CASE_OPENED)).get("trigger").asText());
    }

    @Test
    void absentOptionalFieldsAreLeftOut() {
        var customer = new CustomerUpserted("c-1", "Ada", null, null, Tier.STANDARD, "UTC", "en", ContactChannel.CHAT,
                null);

        JsonNode json = mapper.valueToTree(customer);

        assertFalse(json.has("email"));
        assertFalse(json.has("phone"));
        assertFalse(json.has("accountTeam"));
    }

    @Test
    void fieldsFromANewerContractAreIgnored() {
        ObjectNode data = mapper.valueToTree(Samples.all().get(EventType.CUSTOMER_UPSERTED));
        data.put("loyaltyCardNumber", "LC-1");

        CustomerEvent read = EventData.read(eventOf("customer.upserted", data));

        assertEquals(Samples.all().get(EventType.CUSTOMER_UPSERTED), read);
    }

    @Test
    void aMissingRequiredFieldIsReportedWithItsPointer() {
        ObjectNode data = mapper.valueToTree(Samples.all().get(EventType.COMMITMENT_MADE));
        data.remove("customerId");

        assertProblem("/data/customerId is required", eventOf("commitment.made", data));
    }

    @Test
    void aMissingNumberIsNotReadAsZero() {
        ObjectNode data = mapper.valueToTree(Samples.all().get(EventType.FEEDBACK_RECEIVED));
        data.remove("rating");

        assertProblem("/data/rating is required", eventOf("feedback.received", data));
    }

    @Test
    void anUnknownEnumValueIsReportedWithItsPointer() {
        ObjectNode data = mapper.valueToTree(Samples.all().get(EventType.CUSTOMER_UPSERTED));
        data.put("tier", "diamond");

        assertProblem("/data/tier has invalid value \"diamond\" for Tier", eventOf("customer.upserted", data));
    }

    @Test
    void aValueOutOfRangeIsReported() {
        ObjectNode data = mapper.valueToTree(Samples.all().get(EventType.FEEDBACK_RECEIVED));
        data.put("rating", 11);

        assertProblem("/data rating must be between 0 and 10, was 11", eventOf("feedback.received", data));
    }

    @Test
    void anUnknownTypeIsReported() {
        CloudEvent event = eventOf("order.placed", mapper.createObjectNode());

        assertProblem("/type is not a known event type: \"order.placed\"", event);
    }

    @Test
    void aNullInsideAListIsReportedRatherThanCrashingTheReader() {
        ObjectNode data = mapper.valueToTree(Samples.all().get(EventType.LOYALTY_SCORE_CHANGED));
        data.withArray("reasons").addNull();

        InvalidCloudEventException e = assertThrows(InvalidCloudEventException.class,
                () -> EventData.read(eventOf("loyalty.score-changed", data)));
        assertTrue(e.problems().get(0).pointer().startsWith("/data"), e::getMessage);
    }

    @Test
    void dataOfANewerSchemaVersionIsNotReadAsVersionOne() {
        CloudEvent event = EventData.wrap("evt-1", "urn:test", Samples.T0, Samples.all().get(EventType.PROMISE_MISSED));
        CloudEvent v2 = new CloudEvent(event.specversion(), event.id(), event.source(), event.type(), event.subject(),
                event.time(), event.datacontenttype(), "https://servicerecovery.org/schemas/promise.missed.v2.json",
                event.data(), event.extensions());

        InvalidCloudEventException e = assertThrows(InvalidCloudEventException.class, () -> EventData.read(v2));
        assertEquals("/dataschema", e.problems().get(0).pointer());
    }

    @Test
    void readingAsTheWrongRecordIsReported() {
        CloudEvent event = EventData.wrap("evt-1", "urn:test", Samples.T0, Samples.all().get(EventType.PROMISE_KEPT));

        assertThrows(InvalidCloudEventException.class, () -> EventData.read(event, PromiseMissed.class));
    }

    @Test
    void recordsRejectValuesTheSchemaForbids() {
        assertThrows(IllegalArgumentException.class,
                () -> new FeedbackReceived("c-1", null, -1, null, null, null, Samples.T0));
        assertThrows(NullPointerException.class,
                () -> new FeedbackReceived("c-1", null, 5, null, null, null, null));
    }

    private static CloudEvent eventOf(String type, JsonNode data) {
        return CloudEvent.of("evt-1", "https://crm.example.com", type, "c-1", Samples.T0, data);
    }

    private static void assertProblem(String expected, CloudEvent event) {
        InvalidCloudEventException e = assertThrows(InvalidCloudEventException.class, () -> EventData.read(event));
        assertEquals(1, e.problems().size(), e::getMessage);
        assertEquals(expected, e.problems().get(0).toString());
        assertTrue(e.getMessage().contains(expected));
    }
}
