package org.servicerecovery.intake;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.servicerecovery.events.EventData;
import org.servicerecovery.events.Topic;
import org.servicerecovery.testing.TopicReader;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** A CRM's customer and the structured CloudEvents it sends about them; reads what intake published about them. */
final class Crm {

    static final String SOURCE = "https://crm.test/tenants/acme";
    private static final ObjectMapper MAPPER = EventData.newObjectMapper();

    final String customer = "cust-" + UUID.randomUUID();

    /** A valid feedback.received event with a fresh id. */
    ObjectNode feedback(int rating) {
        ObjectNode event = MAPPER.createObjectNode();
        event.put("specversion", "1.0").put("id", "ev-" + UUID.randomUUID()).put("source", SOURCE)
                .put("type", "feedback.received").put("subject", customer).put("time", "2025-06-02T09:30:00+02:00");
        event.putObject("data").put("customerId", customer).put("rating", rating)
                .put("receivedAt", "2025-06-02T09:30:00+02:00").put("fieldFromTheFuture", "ignored");
        return event;
    }

    /** A valid commitment.made event, the type promise-tracking consumes. */
    ObjectNode commitmentMade(String commitmentId) {
        ObjectNode event = feedback(0).put("type", "commitment.made");
        event.putObject("data").put("customerId", customer).put("commitmentId", commitmentId)
                .put("description", "call back").put("dueAt", "2030-01-01T10:00:00+01:00").put("owner", "alice")
                .put("channel", "phone").put("madeAt", "2025-06-02T09:30:00+02:00");
        return event;
    }

    /** A complaint.filed event. */
    ObjectNode complaint(String occurredAt) {
        ObjectNode event = feedback(0).put("type", "complaint.filed");
        event.putObject("data").put("customerId", customer).put("complaintId", "k-" + UUID.randomUUID())
                .put("channel", "phone").put("category", "billing").put("severity", "high")
                .put("summary", "charged twice").put("occurredAt", occurredAt);
        return event;
    }

    /** A customer.upserted event. */
    ObjectNode customerUpserted(String timezone, String locale) {
        ObjectNode event = feedback(0).put("type", "customer.upserted");
        event.putObject("data").put("customerId", customer).put("name", "Ada").put("tier", "gold")
                .put("timezone", timezone).put("locale", locale).put("preferredChannel", "email");
        return event;
    }

    /** A commitment.cancelled event. */
    ObjectNode commitmentCancelled(String reason) {
        ObjectNode event = feedback(0).put("type", "commitment.cancelled");
        event.putObject("data").put("customerId", customer).put("commitmentId", "c-" + UUID.randomUUID())
                .put("reason", reason);
        return event;
    }

    /** JSON as a client writes it: UTF-8, with an unpaired surrogate as a JSON escape (String.getBytes would drop it). */
    static byte[] bytes(Object json) {
        try {
            return MAPPER.writeValueAsBytes(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every intake.events record about this customer, read until {@code done} holds for them. */
    List<ConsumerRecord<String, byte[]>> published(java.util.function.Predicate<List<ConsumerRecord<String, byte[]>>> done) {
        try (TopicReader reader = new TopicReader(Topic.INTAKE_EVENTS.topicName())) {
            return mine(reader.readUntil(records -> done.test(mine(records)), Duration.ofSeconds(20)));
        }
    }

    /** Every intake.events record about this customer once the one with {@code lastId} is there. */
    List<ConsumerRecord<String, byte[]>> publishedUpTo(String lastId) {
        return published(records -> ids(records).contains(lastId));
    }

    static List<String> ids(List<ConsumerRecord<String, byte[]>> records) {
        return records.stream().map(r -> TopicReader.header(r, "ce_id")).toList();
    }

    private List<ConsumerRecord<String, byte[]>> mine(List<ConsumerRecord<String, byte[]>> records) {
        return records.stream().filter(r -> customer.equals(r.key())).toList();
    }
}
