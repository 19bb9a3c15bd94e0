package org.servicerecovery.intake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.servicerecovery.events.CloudEvent;
import org.servicerecovery.events.CloudEvents;
import org.servicerecovery.events.DeadLetterHeaders;
import org.servicerecovery.events.EventData;
import org.servicerecovery.events.EventType;
import org.servicerecovery.events.Topic;
import org.servicerecovery.intake.IntakeMetrics.Outcome;
import org.servicerecovery.intake.api.GroupCommit;
import org.servicerecovery.intake.application.Intake.Fate;
import org.servicerecovery.intake.application.Intake;
import org.servicerecovery.intake.domain.EventValidator;
import org.servicerecovery.intake.domain.Ingress;
import org.servicerecovery.intake.domain.Verdict;
import org.servicerecovery.testing.RealInfrastructure;
import org.servicerecovery.testing.SharedInfrastructure;
import org.servicerecovery.testing.TopicReader;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;

/**
 * One event the database refuses does not take the others of its batch or group commit down with it. Validation
 * refuses every such event, so these tests build the poison directly (a {@link Verdict.Valid} no validator would
 * give) and hand it to intake behind the validator: stored raw JSON with a U+0000 character (PostgreSQL's text refuses
 * it) and an id longer than a B-tree key holds.
 */
@QuarkusTest
@WithTestResource(value = RealInfrastructure.class, scope = TestResourceScope.GLOBAL)
class BatchIsolationTest {

    @Inject
    Intake intake;

    @Inject
    GroupCommit groupCommit;

    @Inject
    EventValidator validator;

    private final Crm crm = new Crm();

    @Test
    void aBatchWithEventsTheDatabaseRefusesStoresAllTheOthersOnceInOrder() throws Throwable {
        List<Verdict> verdicts = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            verdicts.add(valid(crm.feedback(i % 11)));
            if (i == 100) {
                verdicts.add(nulInRaw(crm.feedback(1)));
            }
            if (i == 200) {
                verdicts.add(idLongerThanAKey(crm.feedback(2)));
            }
        }
        verdicts.add(verdicts.get(0)); // a duplicate after the refusals is still a duplicate

        List<Fate> fates = VertxContextSupport.subscribeAndAwait(() -> intake.take(verdicts,
                Collections.nCopies(verdicts.size(), null), Ingress.KAFKA, OffsetDateTime.now()));

        assertEquals(300, fates.stream().filter(fate -> fate.outcome() == Outcome.ACCEPTED).count());
        assertEquals(Outcome.DUPLICATE, fates.get(fates.size() - 1).outcome());
        Fate nul = fates.get(101);
        Fate longId = fates.get(202);
        assertEquals(Outcome.REJECTED, nul.outcome());
        assertTrue(nul.refusal().sqlState().startsWith("22"), nul.refusal().toString());
        assertEquals("54000", longId.refusal().sqlState(), longId.refusal().toString());
        assertTrue(nul.refusal().reason().contains("could not be stored"), nul.refusal().reason());
        fates.stream().filter(fate -> fate.outcome() != Outcome.REJECTED).forEach(fate -> assertNull(fate.refusal()));

        assertEquals(300, IntakeDb.SCHEMA.count("SELECT count(*) FROM inbound_event WHERE customer_id = ?", crm.customer));
        List<String> expected = verdicts.subList(0, verdicts.size() - 1).stream()
                .filter(verdict -> verdict != verdicts.get(101) && verdict != verdicts.get(202))
                .map(verdict -> ((Verdict.Valid) verdict).event().id()).toList();
        List<ConsumerRecord<String, byte[]>> published = crm.published(records -> records.size() >= 300);
        assertEquals(expected, Crm.ids(published), "each published once, in the order they came");
    }

    @Test
    void aGroupCommitWithAnEventTheDatabaseRefusesAnswersEveryOtherRequest() throws Exception {
        List<Verdict.Valid> events = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            events.add(valid(crm.feedback(i % 11)));
        }
        events.add(30, nulInRaw(crm.feedback(4)));
        List<CompletableFuture<Fate>> answers = new ArrayList<>();
        for (Verdict.Valid event : events) {
            answers.add(groupCommit.take(event, null).subscribeAsCompletionStage());
        }

        for (int i = 0; i < events.size(); i++) {
            Fate fate = answers.get(i).get(60, TimeUnit.SECONDS);
            if (i == 30) {
                assertEquals(Outcome.REJECTED, fate.outcome());
                assertNotNull(fate.refusal());
            } else {
                assertEquals(Outcome.ACCEPTED, fate.outcome(), "request " + i);
            }
        }
        assertEquals(60, IntakeDb.SCHEMA.count("SELECT count(*) FROM inbound_event WHERE customer_id = ?", crm.customer));
    }

    @Test
    void aPoisonRecordAmongFiveHundredValidOnesOverKafkaIsTheOnlyDeadLetter() throws Exception {
        String run = "run-" + UUID.randomUUID();
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
        Set<String> validIds = new HashSet<>();
        String poisonKey = null;
        for (int i = 0; i < 501; i++) {
            Crm customer = new Crm();
            ObjectNode event = customer.feedback(i % 11).put("id", run + "-" + i);
            if (i == 250) {
                BadInputs.data(event).put("improveOneThing", "a lone \ud800 surrogate");
                poisonKey = customer.customer;
            } else {
                validIds.add(run + "-" + i);
            }
            ProducerRecord<String, byte[]> record = new ProducerRecord<>(Topic.CRM_EVENTS.topicName(), customer.customer,
                    Crm.bytes(event));
            record.headers().add("content-type", CloudEvents.STRUCTURED_CONTENT_TYPE.getBytes(StandardCharsets.UTF_8));
            records.add(record);
        }
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedInfrastructure.get().kafkaBootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 50),
                new StringSerializer(), new ByteArraySerializer())) {
            List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
            records.forEach(record -> sent.add(producer.send(record)));
            for (var future : sent) {
                future.get(30, TimeUnit.SECONDS);
            }
        }

        List<String> published;
        try (TopicReader reader = new TopicReader(Topic.INTAKE_EVENTS.topicName())) {
            published = Crm.ids(reader.readUntil(read -> Crm.ids(read).containsAll(validIds), Duration.ofSeconds(60)))
                    .stream().filter(id -> id.startsWith(run + "-")).toList();
        }
        assertEquals(500, published.size(), "every valid event published once");
        assertEquals(validIds, Set.copyOf(published));
        assertEquals(500, IntakeDb.SCHEMA.count("SELECT count(*) FROM inbound_event WHERE event_id LIKE ?", run + "-%"));

        String key = poisonKey;
        try (TopicReader dlq = new TopicReader(Topic.CRM_EVENTS_DLQ.topicName())) {
            List<ConsumerRecord<String, byte[]>> dead = dlq.readUntil(read -> read.stream().anyMatch(r -> key.equals(r.key())),
                    Duration.ofSeconds(30)).stream()
                    .filter(r -> new String(r.value(), StandardCharsets.UTF_8).contains(run)).toList();
            assertEquals(List.of(key), dead.stream().map(ConsumerRecord::key).toList(), "only the poison is dead-lettered");
            String reason = TopicReader.header(dead.get(0), DeadLetterHeaders.REASON);
            assertTrue(reason.contains("/data/improveOneThing must not contain an unpaired UTF-16 surrogate"), reason);
        }
    }

    private Verdict.Valid valid(ObjectNode event) {
        return assertInstanceOf(Verdict.Valid.class, validator.structured(Crm.bytes(event), ""));
    }

    /** Passes every check but the database's: the raw JSON stored carries a U+0000 character, which text refuses. */
    private Verdict.Valid nulInRaw(ObjectNode event) {
        Verdict.Valid valid = valid(event);
        String raw = valid.raw().replace("\"rating\":", "\"note\":\"\u0000\",\"rating\":");
        return new Verdict.Valid(valid.event(), valid.type(), valid.data(), raw);
    }

    /**
     * An id no B-tree key can hold, as a CloudEvent may have it; the validator would refuse it. Random, since
     * PostgreSQL compresses a repetitive key to fit.
     */
    private Verdict.Valid idLongerThanAKey(ObjectNode event) {
        StringBuilder id = new StringBuilder("long-");
        java.util.Random random = new java.util.Random();
        while (id.length() < 3000) {
            id.append(Long.toString(random.nextLong() & Long.MAX_VALUE, 36));
        }
        event.put("id", id.toString());
        byte[] json = Crm.bytes(event);
        CloudEvent decoded = CloudEvents.fromStructuredJson(json);
        return new Verdict.Valid(decoded, EventType.FEEDBACK_RECEIVED, EventData.read(decoded),
                new String(json, StandardCharsets.UTF_8));
    }
}
