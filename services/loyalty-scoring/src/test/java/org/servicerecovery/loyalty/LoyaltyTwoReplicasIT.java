package org.servicerecovery.loyalty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.servicerecovery.events.CloudEvent;
import org.servicerecovery.events.CustomerEvent;
import org.servicerecovery.events.EventData;
import org.servicerecovery.events.Topic;
import org.servicerecovery.events.crm.Channel;
import org.servicerecovery.events.crm.ComplaintFiled;
import org.servicerecovery.events.crm.ContactChannel;
import org.servicerecovery.events.crm.CustomerUpserted;
import org.servicerecovery.events.crm.FeedbackReceived;
import org.servicerecovery.events.crm.Severity;
import org.servicerecovery.events.crm.Tier;
import org.servicerecovery.events.domain.PromiseKept;
import org.servicerecovery.events.domain.PromiseMissed;
import org.servicerecovery.events.domain.RecoveryCaseOpened;
import org.servicerecovery.events.domain.RecoveryCaseResolved;
import org.servicerecovery.events.domain.RecoveryStepCompleted;
import org.servicerecovery.events.domain.RecoveryTrigger;
import org.servicerecovery.events.domain.StepKind;
import org.servicerecovery.loyalty.domain.Fact;
import org.servicerecovery.loyalty.domain.History;
import org.servicerecovery.loyalty.domain.ScoringEngine;
import org.servicerecovery.loyalty.domain.WeightsFile;
import org.servicerecovery.loyalty.persistence.FactCodec;
import org.servicerecovery.testing.QuarkusProcess;
import org.servicerecovery.testing.SharedInfrastructure;
import org.servicerecovery.testing.TestTokens;
import org.servicerecovery.testing.TopicWriter;

/**
 * Two packaged replicas score the same customers at the same time: each customer's events are spread over the three
 * topics and over partitions that the consumer group hands to different replicas, and an admin rebuild runs in the
 * middle of the load. No transaction deadlocks, every fact is stored once, and every customer's score is the one a
 * single scorer computes from the stored facts.
 */
class LoyaltyTwoReplicasIT {

    private static final int CUSTOMERS = 300;
    private static final int PARTITIONS = 3;
    private static final List<Topic> TOPICS = List.of(Topic.INTAKE_EVENTS, Topic.PROMISE_EVENTS, Topic.RECOVERY_EVENTS);
    private static final Path JAR = Path.of(System.getProperty("service.jar", "target/quarkus-app/quarkus-run.jar"));
    private static final OffsetDateTime T0 = OffsetDateTime.now(ZoneOffset.UTC).minusHours(2);
    private static final String SOURCE = "https://crm.test/tenants/acme";

    private final String run = "rep-" + Long.toHexString(System.nanoTime()) + "-";

    @Test
    void twoReplicasOnOverlappingCustomersNeverDeadlockAndAgreeWithOneScorer() throws Exception {
        SharedInfrastructure infrastructure = SharedInfrastructure.get();
        List<Path> logs = List.of(Path.of("target", "replicas", run + "0.log"), Path.of("target", "replicas", run + "1.log"));
        // Started side by side: Flyway's lock lets one of them create the schema while the other waits.
        try (QuarkusProcess first = QuarkusProcess.start(JAR, logs.get(0), Map.of());
             QuarkusProcess second = QuarkusProcess.start(JAR, logs.get(1), Map.of())) {
            first.awaitReady(Duration.ofSeconds(90));
            second.awaitReady(Duration.ofSeconds(90));
            awaitBothConsuming(infrastructure);
            long deadlocksBefore = deadlocks();

            List<ProducerRecord<String, byte[]>> records = load();
            long start = System.nanoTime();
            try (TopicWriter writer = new TopicWriter()) {
                writer.sendAll(records);
            }
            // an admin rebuild pages through the customers while both replicas score them
            CompletableFuture<HttpResponse<String>> rebuild = HttpClient.newHttpClient().sendAsync(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + second.port() + "/api/v1/admin/rebuild"))
                    .header("Authorization", "Bearer " + TestTokens.admin())
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());

            Awaitility.await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).until(() ->
                    count("SELECT count(*) FROM customer_fact WHERE customer_id LIKE ?", run + "%") >= records.size());
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("LoyaltyTwoReplicasIT: %d events for %d customers scored by two replicas in %.1f s (%.0f events/s)%n",
                    records.size(), CUSTOMERS, seconds, records.size() / seconds);
            assertEquals(200, rebuild.get().statusCode(), rebuild.get().body());

            assertEquals(records.size(), count("SELECT count(*) FROM customer_fact WHERE customer_id LIKE ?", run + "%"),
                    "every fact stored once");
            assertEquals(records.size(), count("SELECT count(DISTINCT (source, event_id)) FROM customer_fact WHERE customer_id LIKE ?",
                    run + "%"));
            assertEquals(CUSTOMERS, count("SELECT count(*) FROM customer_score WHERE customer_id LIKE ?", run + "%"));
            assertScoresAreWhatOneScorerComputes();

            // PostgreSQL counts a deadlock in pg_stat_database up to a second after it happened
            Awaitility.await("no deadlock detected by PostgreSQL").during(Duration.ofSeconds(2))
                    .atMost(Duration.ofSeconds(5)).until(() -> deadlocks() == deadlocksBefore);
        }
        for (Path log : logs) {
            String text = Files.readString(log);
            assertTrue(!text.contains("deadlock detected") && !text.contains("40P01"), log + " reports a deadlock");
        }
    }

    /** Each customer's ten events: a profile, complaints and feedback on intake, promises, and a recovery case. */
    private List<ProducerRecord<String, byte[]>> load() {
        List<List<ProducerRecord<String, byte[]>>> byCustomer = new ArrayList<>();
        for (int c = 0; c < CUSTOMERS; c++) {
            String customer = run + c;
            String caseId = "case-" + customer;
            List<ProducerRecord<String, byte[]>> events = new ArrayList<>();
            events.add(on(Topic.INTAKE_EVENTS, c, new CustomerUpserted(customer, "Ada " + c, null, null, Tier.GOLD,
                    "Europe/Berlin", "de-DE", ContactChannel.EMAIL, c % 2 == 0 ? "blue" : "red"), at(c, 0)));
            events.add(on(Topic.INTAKE_EVENTS, c, new ComplaintFiled(customer, "cmp-1-" + customer, Channel.PHONE, "billing",
                    Severity.MEDIUM, "charged twice", at(c, 1)), at(c, 1)));
            events.add(on(Topic.PROMISE_EVENTS, c, new PromiseMissed(customer, "p1-" + customer, "alice", "blue",
                    "call back before noon", at(c, 2), at(c, 2), 0), at(c, 2)));
            events.add(on(Topic.RECOVERY_EVENTS, c, new RecoveryCaseOpened(customer, caseId, RecoveryTrigger.MISSED_PROMISE,
                    "p1-" + customer, "blue", Severity.MEDIUM, false, "default", 1, at(c, 3)), at(c, 3)));
            events.add(on(Topic.RECOVERY_EVENTS, c, new RecoveryStepCompleted(customer, caseId, "apology", StepKind.APOLOGY,
                    at(c, 30), at(c, 4), true), at(c, 4)));
            events.add(on(Topic.PROMISE_EVENTS, c, new PromiseKept(customer, "p2-" + customer, "alice", "blue",
                    at(c, 10), at(c, 5)), at(c, 5)));
            events.add(on(Topic.RECOVERY_EVENTS, c, new RecoveryCaseResolved(customer, caseId, at(c, 6), at(c, 3), 1, 1),
                    at(c, 6)));
            events.add(on(Topic.INTAKE_EVENTS, c, new FeedbackReceived(customer, caseId, c % 11, "call when you say",
                    null, "the apology", at(c, 7)), at(c, 7)));
            events.add(on(Topic.PROMISE_EVENTS, c, new PromiseKept(customer, "p3-" + customer, "alice", "blue",
                    at(c, 20), at(c, 8)), at(c, 8)));
            events.add(on(Topic.INTAKE_EVENTS, c, new ComplaintFiled(customer, "cmp-2-" + customer, Channel.EMAIL, "delivery",
                    Severity.HIGH, "late again", at(c, 9)), at(c, 9)));
            byCustomer.add(events);
        }
        // Round by round, every customer's next event, so each poll of either replica holds many customers.
        List<ProducerRecord<String, byte[]>> interleaved = new ArrayList<>();
        for (int round = 0; round < byCustomer.get(0).size(); round++) {
            for (List<ProducerRecord<String, byte[]>> events : byCustomer) {
                interleaved.add(events.get(round));
            }
        }
        return interleaved;
    }

    /**
     * On a partition chosen so that one customer's events land on different partition numbers of the three topics:
     * whichever partitions each replica is assigned, most customers are scored by both.
     */
    private static ProducerRecord<String, byte[]> on(Topic topic, int customer, CustomerEvent data, OffsetDateTime time) {
        CloudEvent event = EventData.wrap(UUID.randomUUID().toString(), SOURCE, time, data);
        ProducerRecord<String, byte[]> keyed = TopicWriter.binary(topic.topicName(), event);
        int partition = (customer + TOPICS.indexOf(topic)) % PARTITIONS;
        return new ProducerRecord<>(keyed.topic(), partition, keyed.key(), keyed.value(), keyed.headers());
    }

    private static OffsetDateTime at(int customer, int minutes) {
        return T0.plusSeconds(customer).plusMinutes(minutes);
    }

    private void assertScoresAreWhatOneScorerComputes() throws Exception {
        ScoringEngine engine;
        try (InputStream weights = LoyaltyTwoReplicasIT.class.getResourceAsStream("/scoring/weights.yaml")) {
            engine = new ScoringEngine(WeightsFile.parse(weights));
        }
        Map<String, List<Fact>> facts = new HashMap<>();
        Map<String, Integer> stored = new HashMap<>();
        try (Connection connection = connect()) {
            try (PreparedStatement query = connection.prepareStatement(
                    "SELECT customer_id, kind, fact::text FROM customer_fact WHERE customer_id LIKE ?")) {
                query.setString(1, run + "%");
                try (ResultSet rows = query.executeQuery()) {
                    while (rows.next()) {
                        facts.computeIfAbsent(rows.getString(1), id -> new ArrayList<>())
                                .add(FactCodec.decode(rows.getString(2), rows.getString(3)));
                    }
                }
            }
            try (PreparedStatement query = connection.prepareStatement(
                    "SELECT customer_id, score FROM customer_score WHERE customer_id LIKE ?")) {
                query.setString(1, run + "%");
                try (ResultSet rows = query.executeQuery()) {
                    while (rows.next()) {
                        stored.put(rows.getString(1), rows.getInt(2));
                    }
                }
            }
        }
        Map<String, Integer> expected = new HashMap<>();
        facts.forEach((customer, customerFacts) -> expected.put(customer, engine.score(History.canonical(customerFacts)).value()));
        assertEquals(expected, stored, "each customer's score as one scorer computes it from the stored facts");
    }

    /** Until both replicas' consumers hold partitions, so that the load is shared from its first record. */
    private static void awaitBothConsuming(SharedInfrastructure infrastructure) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, infrastructure.kafkaBootstrapServers()))) {
            Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() -> {
                ConsumerGroupDescription group = admin.describeConsumerGroups(List.of("loyalty-scoring")).all().get()
                        .get("loyalty-scoring");
                return group.members().size() == 2
                        && group.members().stream().allMatch(member -> !member.assignment().topicPartitions().isEmpty());
            });
        }
    }

    private static long deadlocks() throws Exception {
        try (Connection connection = connect(); PreparedStatement query = connection.prepareStatement(
                "SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()");
             ResultSet row = query.executeQuery()) {
            row.next();
            return row.getLong(1);
        }
    }

    private static long count(String sql, String param) throws Exception {
        try (Connection connection = connect(); PreparedStatement query = connection.prepareStatement(sql)) {
            query.setString(1, param);
            try (ResultSet row = query.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }

    private static Connection connect() throws Exception {
        SharedInfrastructure infrastructure = SharedInfrastructure.get();
        return DriverManager.getConnection(infrastructure.jdbcUrl() + "?currentSchema=loyalty_scoring",
                infrastructure.serviceConfig().get("quarkus.datasource.username"),
                infrastructure.serviceConfig().get("quarkus.datasource.password"));
    }
}
