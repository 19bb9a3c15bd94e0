package org.servicerecovery.intake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.servicerecovery.events.CloudEvent;
import org.servicerecovery.events.CloudEvents;
import org.servicerecovery.events.DeadLetterHeaders;
import org.servicerecovery.events.EventData;
import org.servicerecovery.events.EventType;
import org.servicerecovery.events.Topic;
import org.servicerecovery.events.crm.CommitmentMade;
import org.servicerecovery.testing.Metrics;
import org.servicerecovery.testing.RealInfrastructure;
import org.servicerecovery.testing.SharedInfrastructure;
import org.servicerecovery.testing.TopicReader;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;

/** The Kafka door: both content modes, de-duplication, dead letters, metrics. */
@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, scope = TestResourceScope.GLOBAL)
class KafkaIntakeTest {

    private static final String CRM_EVENTS = Topic.CRM_EVENTS.topicName();

    private final Crm crm = new Crm();
    private final KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedInfrastructure.get().kafkaBootstrapServers(),
            ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new ByteArraySerializer());

    @AfterEach
    void close() {
        producer.close();
    }

    @Test
    void bothContentModesSentTwiceArePublishedOnceForPromiseTracking() {
        ObjectNode structured = crm.feedback(8);
        CloudEvent binary = CloudEvents.fromStructuredJson(Crm.bytes(crm.commitmentMade("c-" + crm.customer)));
        sendStructured(structured);
        sendBinary(binary, Map.of("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"));
        sendStructured(structured);
        sendBinary(binary, Map.of());

        ObjectNode marker = crm.feedback(1);
        sendStructured(marker);
        List<ConsumerRecord<String, byte[]>> published = crm.publishedUpTo(marker.get("id").asText());
        assertEquals(List.of(structured.get("id").asText(), binary.id(), marker.get("id").asText()), Crm.ids(published));

        ConsumerRecord<String, byte[]> made = published.get(1);
        CloudEvent out = TopicReader.cloudEvent(made);
        assertEquals(binary.id(), out.extensions().get("causationid"));
        assertTrue(out.extensions().get("traceparent").startsWith("00-0af7651916cd43dd8448eb211c80319c-"));
        // What promise-tracking's IntakeConsumer does with it.
        assertEquals("alice", EventData.read(out, CommitmentMade.class).owner());
        assertEquals(2, IntakeDb.SCHEMA.count("SELECT count(*) FROM inbound_event WHERE customer_id = ? AND channel = 'kafka' "
                + "AND event_id <> ?", crm.customer, marker.get("id").asText()));

        String metrics = RestAssured.get("/q/metrics").asString();
        assertTrue(metrics.contains("intake_events_total{channel=\"kafka\",outcome=\"duplicate\",type=\"commitment.made\"}"),
                "duplicate counter");
        assertTrue(metrics.contains("intake_events_total{channel=\"kafka\",outcome=\"accepted\",type=\"feedback.received\"}"),
                "accepted counter");
    }

    /** Every series exists from the start, so that an increase()-based alert sees the first event of its kind. */
    @Test
    void countersExistFromTheStart() {
        Metrics metrics = Metrics.scrape();
        for (String outcome : List.of("accepted", "duplicate", "rejected")) {
            for (String channel : List.of("kafka", "rest")) {
                metrics.value("intake_events_total{channel=\"" + channel + "\",outcome=\"" + outcome + "\",type=\"unknown\"}");
                Arrays.stream(EventType.values()).filter(EventType::inbound).forEach(type -> metrics.value(
                        "intake_events_total{channel=\"" + channel + "\",outcome=\"" + outcome + "\",type=\"" + type.type() + "\"}"));
            }
        }
        metrics.value("dead_letters_replayed_total{topic=\"" + Topic.CRM_EVENTS_DLQ.topicName() + "\"}");
        metrics.value("outbox_parked_total");
        metrics.value("outbox_backlog{scope=\"database\"}");
    }

    @Test
    void invalidRecordsAreDeadLetteredWithTheirReasonsAndTheConsumerCarriesOn() {
        ObjectNode badRating = crm.feedback(42);
        sendStructured(badRating);
        send(new ProducerRecord<>(CRM_EVENTS, crm.customer, "{not json".getBytes(StandardCharsets.UTF_8)),
                Map.of("content-type", CloudEvents.STRUCTURED_CONTENT_TYPE));
        ObjectNode unknownType = crm.feedback(3).put("type", "feedback.given");
        sendStructured(unknownType);
        CloudEvent noSpec = CloudEvents.fromStructuredJson(Crm.bytes(crm.feedback(5)));
        ProducerRecord<String, byte[]> binary = new ProducerRecord<>(CRM_EVENTS, crm.customer, CloudEvents.toBinaryData(noSpec));
        CloudEvents.toBinaryHeaders(noSpec).forEach((name, value) -> binary.headers()
                .add(name, name.equals("ce_specversion") ? new byte[] {(byte) 0xFF} : value.getBytes(StandardCharsets.UTF_8)));
        send(binary, Map.of());
        ObjectNode huge = crm.feedback(2);
        ((ObjectNode) huge.get("data")).put("padding", "x".repeat(270_000));
        sendStructured(huge);

        ObjectNode valid = crm.feedback(6);
        sendStructured(valid);

        try (TopicReader dlq = new TopicReader(Topic.CRM_EVENTS_DLQ.topicName())) {
            List<ConsumerRecord<String, byte[]>> dead = dlq.readUntil(records -> mine(records).size() == 5,
                    Duration.ofSeconds(30));
            List<String> reasons = mine(dead).stream().map(r -> TopicReader.header(r, DeadLetterHeaders.REASON)).toList();
            assertTrue(reasons.get(0).contains("/data/rating must be between 0 and 10, was 42"), reasons.get(0));
            assertTrue(reasons.get(1).contains("is not valid JSON"), reasons.get(1));
            assertTrue(reasons.get(2).contains("/type is not a known event type: \"feedback.given\""), reasons.get(2));
            assertTrue(reasons.get(3).contains("/specversion is not valid UTF-8"), reasons.get(3));
            assertTrue(reasons.get(4).contains("an event may be at most 262144 bytes"), reasons.get(4));
            ConsumerRecord<String, byte[]> first = mine(dead).get(0);
            assertEquals(CRM_EVENTS, TopicReader.header(first, DeadLetterHeaders.TOPIC));
            assertEquals(CloudEvents.STRUCTURED_CONTENT_TYPE, TopicReader.header(first, "content-type"));
            assertEquals(badRating.toString(), new String(first.value(), StandardCharsets.UTF_8), "the record unchanged");
        }
        List<ConsumerRecord<String, byte[]>> published = crm.publishedUpTo(valid.get("id").asText());
        assertEquals(List.of(valid.get("id").asText()), Crm.ids(published));
        assertEquals(1, IntakeDb.SCHEMA.count("SELECT count(*) FROM inbound_event WHERE customer_id = ?", crm.customer));
        assertFalse(RestAssured.get("/q/metrics").asString().lines().noneMatch(line ->
                line.startsWith("intake_events_total{channel=\"kafka\",outcome=\"rejected\",type=\"unknown\"}")));
    }

    private List<ConsumerRecord<String, byte[]>> mine(List<ConsumerRecord<String, byte[]>> records) {
        return records.stream().filter(r -> crm.customer.equals(r.key())).toList();
    }

    private void sendStructured(ObjectNode event) {
        send(new ProducerRecord<>(CRM_EVENTS, crm.customer, Crm.bytes(event)),
                Map.of("content-type", CloudEvents.STRUCTURED_CONTENT_TYPE));
    }

    private void sendBinary(CloudEvent event, Map<String, String> extra) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(CRM_EVENTS, event.subject(), CloudEvents.toBinaryData(event));
        CloudEvents.toBinaryHeaders(event).forEach((name, value) -> record.headers().add(name, value.getBytes(StandardCharsets.UTF_8)));
        send(record, extra);
    }

    private void send(ProducerRecord<String, byte[]> record, Map<String, String> headers) {
        headers.forEach((name, value) -> record.headers().add(name, value.getBytes(StandardCharsets.UTF_8)));
        try {
            producer.send(record).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("could not send to " + record.topic(), e);
        }
    }
}
