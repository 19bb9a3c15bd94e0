package org.servicerecovery.intake.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.junit.jupiter.api.Test;
import org.servicerecovery.events.EventData;
import org.servicerecovery.events.EventType;
import org.servicerecovery.events.InvalidCloudEventException.Problem;
import org.servicerecovery.events.crm.FeedbackReceived;

/** The contract check on its own: every invalid shape gets its precise problem, with a JSON pointer. */
class EventValidatorTest {

    private static final ObjectMapper MAPPER = EventData.newObjectMapper();

    private final EventValidator validator = new EventValidator(new DataRules(), new EventValidator.Limits(262_144, 3, 1_000_000));

    static ObjectNode feedback() {
        ObjectNode event = MAPPER.createObjectNode();
        event.put("specversion", "1.0").put("id", "e-1").put("source", "https://crm.test/acme")
                .put("type", "feedback.received").put("subject", "cust-1").put("time", "2025-06-02T09:30:00+02:00");
        event.putObject("data").put("customerId", "cust-1").put("rating", 9).put("receivedAt", "2025-06-02T09:30:00+02:00");
        return event;
    }

    @Test
    void aValidEventIsBoundToItsRecord() {
        Verdict.Valid valid = assertInstanceOf(Verdict.Valid.class, structured(feedback()));
        assertEquals(EventType.FEEDBACK_RECEIVED, valid.type());
        assertEquals(9, ((FeedbackReceived) valid.data()).rating());
    }

    @Test
    void malformedJson() {
        assertProblems(validator.structured(bytes("{\"specversion\": \"1.0\","), ""), "");
    }

    @Test
    void nonUtf8Bytes() {
        byte[] body = bytes(feedback().toString());
        body[body.length - 5] = (byte) 0xC3; // a lead byte followed by an ASCII one
        Verdict.Invalid invalid = assertProblems(validator.structured(body, ""), "");
        assertTrue(invalid.problems().get(0).message().contains("UTF-8"), invalid.reason());
    }

    @Test
    void wrongSpecversionAndMissingIdSourceTypeAreAllReported() {
        ObjectNode event = feedback().put("specversion", "0.3");
        event.remove(List.of("id", "source", "type"));
        assertProblems(structured(event), "/specversion", "/id", "/source", "/type");
    }

    @Test
    void unknownTypeAndTypesCrmsDoNotSend() {
        assertProblems(structured(feedback().put("type", "feedback.recieved")), "/type");
        assertProblems(structured(feedback().put("type", "promise.missed")), "/type");
    }

    @Test
    void everyInvalidFieldIsListed() {
        ObjectNode event = feedback();
        ((ObjectNode) event.get("data")).put("rating", 11).put("receivedAt", "2025-06-02T09:30:00").remove("customerId");
        assertProblems(structured(event), "/data/customerId", "/data/rating", "/data/receivedAt");
    }

    @Test
    void wrongEnumValue() {
        ObjectNode event = feedback().put("type", "complaint.filed");
        event.putObject("data").put("customerId", "cust-1").put("complaintId", "k-1").put("channel", "fax")
                .put("category", "billing").put("severity", "apocalyptic").put("summary", "s")
                .put("occurredAt", "2025-06-02T09:30:00Z");
        Verdict.Invalid invalid = assertProblems(structured(event), "/data/channel", "/data/severity");
        assertTrue(invalid.reason().contains("\"fax\""), invalid.reason());
    }

    @Test
    void wrongJsonTypesAndTimeWithoutOffset() {
        ObjectNode event = feedback().put("time", "2025-06-02T09:30:00");
        ((ObjectNode) event.get("data")).put("rating", "nine");
        assertProblems(structured(event), "/time", "/data/rating");
    }

    @Test
    void subjectMustBeTheCustomer() {
        assertProblems(structured(feedback().put("subject", "someone-else")), "/subject");
    }

    @Test
    void oversizeEventIsTooLarge() {
        ObjectNode event = feedback();
        ((ObjectNode) event.get("data")).put("padding", "x".repeat(262_144));
        Verdict.Invalid invalid = assertProblems(structured(event), "");
        assertTrue(invalid.tooLarge());
    }

    @Test
    void nulCharacterCannotBeStored() {
        ObjectNode event = feedback();
        ((ObjectNode) event.get("data")).put("improveOneThing", "a\u0000b");
        assertProblems(structured(event), "/data/improveOneThing");
    }

    @Test
    void binaryModeIsCheckedTheSameWay() {
        Map<String, byte[]> headers = Map.of("ce_specversion", bytes("1.0"), "ce_id", bytes("e-1"),
                "ce_source", bytes("https://crm.test/acme"), "ce_type", bytes("feedback.received"),
                "content-type", bytes("application/json"));
        assertInstanceOf(Verdict.Valid.class, validator.binary(headers, bytes(feedback().get("data").toString())));

        ObjectNode data = ((ObjectNode) feedback().get("data")).put("rating", -1);
        assertProblems(validator.binary(Map.of("ce_specversion", bytes("1.0"), "ce_source", bytes("s"),
                "ce_type", bytes("feedback.received")), bytes(data.toString())), "/id", "/data/rating");
        assertProblems(validator.binary(headers, new byte[] {'{', (byte) 0xFF, '}'}), "/data");
    }

    @Test
    void aBatchIsReadEventByEvent() {
        ArrayNode batch = MAPPER.createArrayNode().add(feedback()).add(feedback().put("specversion", "2.0"));
        var events = assertInstanceOf(EventValidator.Batch.Events.class, validator.batch(bytes(batch.toString())));
        assertInstanceOf(Verdict.Valid.class, events.verdicts().get(0));
        assertProblems(events.verdicts().get(1), "/1/specversion");
    }

    @Test
    void emptyOversizeAndMalformedBatchesAreRefusedWhole() {
        assertRefused(validator.batch(bytes("[]")), false);
        assertRefused(validator.batch(bytes(MAPPER.createArrayNode().add(feedback()).add(feedback()).add(feedback())
                .add(feedback()).toString())), true);
        assertRefused(validator.batch(bytes("{}")), false);
        assertRefused(validator.batch(bytes("[{")), false);
        assertRefused(validator.batch(new byte[1_000_001]), true);
    }

    @Test
    void normalisedEventKeepsTheKeyAndCarriesCausationAndTrace() {
        Verdict.Valid valid = (Verdict.Valid) structured(feedback().put("traceparent",
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));
        var event = Normaliser.normalise(valid, null, java.time.OffsetDateTime.now());
        assertEquals("e-1", event.id());
        assertEquals("https://crm.test/acme", event.source());
        assertEquals("cust-1", event.subject());
        assertEquals("e-1", event.extensions().get(Normaliser.CAUSATION_ID));
        assertTrue(event.extensions().get(Normaliser.TRACEPARENT).startsWith("00-4bf92f3577b34da6a3ce929d0e0e4736-"));
        assertEquals(EventType.FEEDBACK_RECEIVED.dataschema(), event.dataschema());
        assertTrue(TraceParent.next("garbage").matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01"));
    }

    private Verdict structured(ObjectNode event) {
        return validator.structured(bytes(event.toString()), "");
    }

    private static Verdict.Invalid assertProblems(Verdict verdict, String... pointers) {
        Verdict.Invalid invalid = assertInstanceOf(Verdict.Invalid.class, verdict);
        assertEquals(java.util.Arrays.stream(pointers).sorted().toList(), invalid.problems().stream().map(Problem::pointer).sorted().toList(), invalid.reason());
        return invalid;
    }

    private static void assertRefused(EventValidator.Batch batch, boolean tooLarge) {
        EventValidator.Batch.Refused refused = assertInstanceOf(EventValidator.Batch.Refused.class, batch);
        assertEquals(tooLarge, refused.tooLarge(), refused.problems().toString());
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
