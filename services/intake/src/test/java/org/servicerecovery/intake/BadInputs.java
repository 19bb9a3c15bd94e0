package org.servicerecovery.intake;

import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Inputs intake must refuse at either door, each with the field its refusal names. Each case has a customer of its
 * own, so "nothing stored, nothing published" can be checked by customer. Values that JSON escapes (an unpaired
 * surrogate, U+0000) travel as the escapes a client would send.
 */
final class BadInputs {

    /**
     * @param pointer the JSON pointer the refusal names ("" for the whole event)
     * @param tooLarge refused for its size: 413 on REST
     * @param overBrokerLimit larger than a Kafka producer may send, so a REST case only
     */
    record Case(String name, Crm crm, byte[] event, String pointer, boolean tooLarge, boolean overBrokerLimit) {

        /** The value of the case's {@value #MARKER} extension attribute, to find whatever was kept of it. */
        String marker() {
            return crm.customer;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** An extension attribute every case carries, so that what was kept of it can be found whatever it broke. */
    static final String MARKER = "corpuscase";

    private BadInputs() {
    }

    static List<Case> all() {
        List<Case> cases = new ArrayList<>();
        add(cases, "unpaired surrogate in a text field", "/data/improveOneThing",
                crm -> withData(crm.feedback(3), data -> data.put("improveOneThing", "x\ud800y")));
        add(cases, "unpaired surrogate deep in a field the contract does not know", "/data/extra/notes/0",
                crm -> withData(crm.feedback(3), data -> data.putObject("extra").putArray("notes").add("\udc00")));
        add(cases, "unpaired surrogate in the id", "/id", crm -> crm.feedback(3).put("id", "ev-\ud800"));
        add(cases, "U+0000 in a text field", "/data/description",
                crm -> withData(crm.commitmentMade("c-1"), data -> data.put("description", "call\u0000back")));
        add(cases, "U+0000 in an extension attribute", "/crmnote", crm -> crm.feedback(3).put("crmnote", "a\u0000b"));
        addRaw(cases, "U+0000 in the first of two members with one name", "/data/note",
                crm -> new String(Crm.bytes(crm.feedback(3).put(MARKER, crm.customer)), StandardCharsets.UTF_8)
                        .replace("\"rating\":3", "\"note\":\"\\u0000\",\"note\":\"ok\",\"rating\":3"));
        add(cases, "id of 3,000 bytes", "/id", crm -> crm.feedback(3).put("id", "x".repeat(3000)));
        add(cases, "source of 3,000 bytes", "/source",
                crm -> crm.feedback(3).put("source", "https://crm.test/" + "s".repeat(3000)));
        add(cases, "customer id of 3,000 bytes", "/data/customerId", crm -> withData(
                crm.feedback(3).put("subject", "c".repeat(3000)), data -> data.put("customerId", "c".repeat(3000))));
        add(cases, "customer id of 67 euro signs (201 bytes)", "/data/customerId", crm -> withData(
                crm.feedback(3).put("subject", "\u20ac".repeat(67)), data -> data.put("customerId", "\u20ac".repeat(67))));
        add(cases, "unknown time zone", "/data/timezone", crm -> crm.customerUpserted("Mars/Olympus_Mons", "de-DE"));
        add(cases, "fixed offset as time zone", "/data/timezone", crm -> crm.customerUpserted("+02", "de-DE"));
        add(cases, "locale with an underscore", "/data/locale", crm -> crm.customerUpserted("Europe/Berlin", "en_US"));
        add(cases, "ill-formed locale", "/data/locale", crm -> crm.customerUpserted("Europe/Berlin", "de-DE-x"));
        add(cases, "year 9999", "/data/occurredAt", crm -> crm.complaint("9999-12-31T23:59:59Z"));
        add(cases, "year 1900", "/time", crm -> crm.feedback(3).put("time", "1900-01-01T00:00:00Z"));
        add(cases, "deadline ten years ahead", "/data/dueAt", crm -> withData(crm.commitmentMade("c-1"),
                data -> data.put("dueAt", OffsetDateTime.now(ZoneOffset.UTC).plusYears(10).toString())));
        add(cases, "description over 4,000 characters", "/data/description",
                crm -> withData(crm.commitmentMade("c-1"), data -> data.put("description", "d".repeat(4001))));
        add(cases, "reason over 4,000 characters", "/data/reason", crm -> crm.commitmentCancelled("r".repeat(4001)));
        add(cases, "rating as a string", "/data/rating", crm -> withData(crm.feedback(3), data -> data.put("rating", "nine")));
        add(cases, "customer id as a number", "/data/customerId", crm -> withData(crm.feedback(3), data -> data.put("customerId", 42)));
        add(cases, "missing receivedAt", "/data/receivedAt",
                crm -> withData(crm.feedback(3), data -> data.remove("receivedAt")));
        add(cases, "missing id", "/id", crm -> (ObjectNode) crm.feedback(3).without("id"));
        add(cases, "oversize rating", "/data/rating", crm -> withData(crm.feedback(3), data -> data.put("rating", 123456789012L)));
        addRaw(cases, "amount of 1e400 in a field the contract does not know", "/data/amount",
                crm -> new String(Crm.bytes(crm.feedback(3).put(MARKER, crm.customer)), StandardCharsets.UTF_8)
                        .replace("\"rating\":3", "\"amount\":1e400,\"rating\":3"));
        cases.add(sized("event of 300 KiB", 300 * 1024, false));
        cases.add(sized("event of 1.1 MiB", 1_150_000, true));
        return cases;
    }

    static ObjectNode data(ObjectNode event) {
        return (ObjectNode) event.get("data");
    }

    /** The event, its data changed by {@code change}. */
    static ObjectNode withData(ObjectNode event, Consumer<ObjectNode> change) {
        change.accept(data(event));
        return event;
    }

    private static void add(List<Case> cases, String name, String pointer, Function<Crm, ObjectNode> event) {
        Crm crm = new Crm();
        cases.add(new Case(name, crm, Crm.bytes(event.apply(crm).put(MARKER, crm.customer)), pointer, false, false));
    }

    /** A case written as JSON text; it starts from the case's event, so it carries the marker. */
    private static void addRaw(List<Case> cases, String name, String pointer, Function<Crm, String> json) {
        Crm crm = new Crm();
        cases.add(new Case(name, crm, json.apply(crm).getBytes(StandardCharsets.UTF_8), pointer, false, false));
    }

    private static Case sized(String name, int bytes, boolean overBrokerLimit) {
        Crm crm = new Crm();
        ObjectNode event = crm.feedback(3).put(MARKER, crm.customer);
        data(event).put("padding", "p".repeat(bytes));
        return new Case(name, crm, Crm.bytes(event), "", true, overBrokerLimit);
    }
}
