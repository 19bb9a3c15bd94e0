package org.servicerecovery.intake.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.Period;
import java.time.ZoneOffset;
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

    static final Instant NOW = Instant.parse("2025-06-10T12:00:00Z");

    private final EventValidator validator = new EventValidator(new DataRules(new DataRules.Times(
            Instant.parse("2000-01-01T00:00:00Z"), Duration.ofDays(1), Period.ofYears(5), Clock.fixed(NOW, ZoneOffset.UTC))),
            new EventValidator.Limits(262_144, 3, 1_000_000));

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

    @Test
    void loneSurrogatesAndNulAnywhereAreRefusedByPointer() {
        ObjectNode event = feedback().put("crmnote", "a\u0000b");
        ObjectNode data = (ObjectNode) event.get("data");
        data.put("improveOneThing", "x\ud800y");
        data.putObject("extra").putArray("notes").add("fine \ud83d\ude00").add("\udc00");
        assertProblems(structured(event), "/crmnote", "/data/improveOneThing", "/data/extra/notes/1");
        assertProblems(structured(feedback().put("id", "e-\ud800")), "/id");

        ObjectNode badName = feedback();
        ((ObjectNode) badName.get("data")).putObject("extra").put("n\u0000me", 1);
        Verdict.Invalid invalid = assertProblems(structured(badName), "/data/extra");
        assertTrue(invalid.reason().contains("member name"), invalid.reason());
    }

    @Test
    void aRepeatedMemberIsCheckedAsWrittenThoughTheParsedTreeDropsIt() {
        String json = feedback().toString().replace("\"rating\":9", "\"note\":\"\\u0000\",\"note\":\"ok\",\"rating\":9");
        assertProblems(validator.structured(bytes(json), ""), "/data/note");
    }

    @Test
    void numbersBeyondWhatEveryReaderHoldsAreRefused() {
        String json = feedback().toString().replace("\"rating\":9", "\"rating\":9,\"amount\":1e400,\"tiny\":1e-5000");
        assertProblems(validator.structured(bytes(json), ""), "/data/amount", "/data/tiny");
        Verdict.Invalid invalid = assertProblems(validator.structured(bytes(feedback().toString()
                .replace("\"rating\":9", "\"rating\":18446744073709551616")), ""), "/data/rating");
        assertTrue(invalid.reason().contains("must be within ±9007199254740991"), invalid.reason());
        invalid = assertProblems(validator.structured(bytes(feedback().toString()
                .replace("\"rating\":9", "\"rating\":123456789012")), ""), "/data/rating");
        assertTrue(invalid.reason().contains("must be between 0 and 10, was 123456789012"), invalid.reason());
        assertProblems(structured(feedback().put("amount", 123456789012345678L)), "/amount");
    }

    @Test
    void idsThatBecomeDatabaseKeysAreLimitedInBytes() {
        String euros = "\u20ac".repeat(67); // 67 characters, 201 bytes
        assertProblems(structured(feedback().put("id", euros)), "/id");
        assertProblems(structured(feedback().put("id", "x".repeat(3000))), "/id");
        assertProblems(structured(feedback().put("source", "https://crm.test/" + "s".repeat(3000))), "/source");
        ObjectNode longCustomer = feedback().put("subject", "c".repeat(201));
        ((ObjectNode) longCustomer.get("data")).put("customerId", "c".repeat(201));
        assertProblems(structured(longCustomer), "/subject", "/data/customerId");
        assertInstanceOf(Verdict.Valid.class, structured(feedback().put("id", "x".repeat(200))));

        ObjectNode commitment = commitmentMade();
        ((ObjectNode) commitment.get("data")).put("commitmentId", euros).put("owner", euros);
        Verdict.Invalid invalid = assertProblems(structured(commitment), "/data/commitmentId", "/data/owner");
        assertTrue(invalid.reason().contains("at most 200 bytes long in UTF-8, was 201"), invalid.reason());
    }

    @Test
    void timeZonesMustBeIanaZonesAndLocalesWellFormedLanguageTags() {
        assertInstanceOf(Verdict.Valid.class, structured(customer("Europe/Berlin", "de-DE")));
        assertInstanceOf(Verdict.Valid.class, structured(customer("Etc/GMT-2", "zh-Hant-TW")));
        assertProblems(structured(customer("Mars/Olympus_Mons", "de-DE")), "/data/timezone");
        assertProblems(structured(customer("+02", "de-DE")), "/data/timezone");
        assertProblems(structured(customer("europe/berlin", "de-DE")), "/data/timezone");
        assertProblems(structured(customer("Europe/Berlin", "en_US")), "/data/locale");
        assertProblems(structured(customer("Europe/Berlin", "en-US-x")), "/data/locale");
        Verdict.Invalid deprecated = assertProblems(structured(customer("Europe/Berlin", "iw")), "/data/locale");
        assertTrue(deprecated.reason().contains("\"he\""), deprecated.reason());
    }

    @Test
    void timesMustLieInASaneWindow() {
        assertProblems(structured(feedback().put("time", "1900-01-01T00:00:00Z")), "/time");
        assertProblems(structured(feedback().put("time", "2025-06-11T13:00:00Z")), "/time");
        assertInstanceOf(Verdict.Valid.class, structured(feedback().put("time", "2025-06-11T11:00:00Z")));
        ObjectNode event = feedback();
        ((ObjectNode) event.get("data")).put("receivedAt", "9999-12-31T23:59:59Z");
        Verdict.Invalid invalid = assertProblems(structured(event), "/data/receivedAt");
        assertTrue(invalid.reason().contains("in the future"), invalid.reason());

        ObjectNode later = commitmentMade();
        ((ObjectNode) later.get("data")).put("dueAt", "2030-06-01T10:00:00+02:00");
        assertInstanceOf(Verdict.Valid.class, structured(later), "a deadline may lie years ahead");
        ((ObjectNode) later.get("data")).put("dueAt", "2030-06-11T10:00:00+02:00").put("madeAt", "1999-12-31T23:59:59Z");
        assertProblems(structured(later), "/data/dueAt", "/data/madeAt");
    }

    @Test
    void binaryHeadersAreCheckedForNulAndLimits() {
        Map<String, byte[]> headers = new java.util.HashMap<>(Map.of("ce_specversion", bytes("1.0"),
                "ce_id", bytes("x".repeat(3000)), "ce_source", bytes("https://crm.test/acme"),
                "ce_subject", bytes("cust-1\u0000"), "ce_type", bytes("feedback.received"),
                "content-type", bytes("application/json; x=\u0000"), "traceparent", new byte[] {(byte) 0xFF}));
        assertProblems(validator.binary(headers, bytes(feedback().get("data").toString())),
                "/id", "/subject", "/datacontenttype");
        String data = feedback().get("data").toString().replace("\"rating\":9", "\"rating\":9,\"x\":\"\\ud800\"");
        headers.put("ce_id", bytes("e-1"));
        headers.put("ce_subject", bytes("cust-1"));
        headers.put("content-type", bytes("application/json"));
        assertProblems(validator.binary(headers, bytes(data)), "/data/x");
    }

    @Test
    void aBatchMemberIsStoredAsItWasSent() {
        String first = "{ \"specversion\" : \"1.0\", " + feedback().toString().substring(1).replace("\"specversion\":\"1.0\",", "");
        String body = "[" + first + " ,\n 7, " + feedback().put("id", "e-2").toString() + "]";
        var events = assertInstanceOf(EventValidator.Batch.Events.class, validator.batch(bytes(body)));
        assertEquals(first, assertInstanceOf(Verdict.Valid.class, events.verdicts().get(0)).raw());
        assertProblems(events.verdicts().get(1), "/1");
        assertInstanceOf(Verdict.Valid.class, events.verdicts().get(2));
        String poisoned = "[" + feedback().toString().replace("\"rating\":9", "\"rating\":9,\"n\":1e400") + "]";
        assertProblems(((EventValidator.Batch.Events) validator.batch(bytes(poisoned))).verdicts().get(0), "/0/data/n");
    }

    @Test
    void aByteOrderMarkIsDroppedSinceTheDatabaseRefusesIt() {
        String json = feedback().toString();
        byte[] marked = bytes("\ufeff" + json);
        assertEquals(json, assertInstanceOf(Verdict.Valid.class, validator.structured(marked, "")).raw());
        var events = assertInstanceOf(EventValidator.Batch.Events.class, validator.batch(bytes("\ufeff[" + json + "]")));
        assertEquals(json, assertInstanceOf(Verdict.Valid.class, events.verdicts().get(0)).raw());
    }

    static ObjectNode commitmentMade() {
        ObjectNode event = feedback().put("type", "commitment.made");
        event.putObject("data").put("customerId", "cust-1").put("commitmentId", "p-1").put("description", "call back")
                .put("dueAt", "2025-06-12T10:00:00+02:00").put("owner", "alice").put("channel", "phone")
                .put("madeAt", "2025-06-02T09:30:00+02:00");
        return event;
    }

    static ObjectNode customer(String timezone, String locale) {
        ObjectNode event = feedback().put("type", "customer.upserted");
        event.putObject("data").put("customerId", "cust-1").put("name", "Ada").put("tier", "gold")
                .put("timezone", timezone).put("locale", locale).put("preferredChannel", "email");
        return event;
    }

    /** As a client writes it: UTF-8, an unpaired surrogate as a \\u escape (a Java string's getBytes would drop it). */
    private Verdict structured(ObjectNode event) {
        try {
            return validator.structured(MAPPER.writeValueAsBytes(event), "");
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
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
