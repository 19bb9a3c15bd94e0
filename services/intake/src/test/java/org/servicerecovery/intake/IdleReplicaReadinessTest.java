package org.servicerecovery.intake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.servicerecovery.localinfra.TopicCatalogue;
import org.servicerecovery.testing.RealInfrastructure;
import org.servicerecovery.testing.SharedInfrastructure;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

/**
 * A replica whose consumer group gave it no partition is idle, not unhealthy: it stays ready, goes not ready while
 * the broker is away, and is ready again by itself once the broker is back, in the same JVM. The CRM topic here has
 * one partition, held by another member of intake's group that joined first.
 */
@QuarkusTest
@TestProfile(IdleReplicaReadinessTest.OtherReplicaHoldsThePartition.class)
@WithTestResource(value = RealInfrastructure.class, scope = TestResourceScope.GLOBAL)
class IdleReplicaReadinessTest {

    // Fixed names: the profile, the resource and the test may each see their own copy of this class. The broker is
    // this test JVM's own.
    static final String TOPIC = "crm.events.idle-replica";
    static final String GROUP = "intake-idle-replica";

    public static class OtherReplicaHoldsThePartition implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("mp.messaging.incoming.crm.topic", TOPIC, "mp.messaging.incoming.crm.group.id", GROUP);
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(OtherReplica.class));
        }
    }

    /** The other replica: a member of intake's group, started before the service so that it holds the partition. */
    public static class OtherReplica implements QuarkusTestResourceLifecycleManager {
        private final AtomicBoolean polling = new AtomicBoolean(true);
        private Thread member;

        @Override
        public Map<String, String> start() {
            String bootstrap = SharedInfrastructure.get().kafkaBootstrapServers();
            TopicCatalogue.ensureTopic(bootstrap, TOPIC, 1);
            AtomicBoolean assigned = new AtomicBoolean();
            member = new Thread(() -> {
                try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                        ConsumerConfig.GROUP_ID_CONFIG, GROUP,
                        ConsumerConfig.CLIENT_ID_CONFIG, "other-replica",
                        ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName(),
                        ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10000,
                        ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 3000),
                        new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                    consumer.subscribe(List.of(TOPIC));
                    while (polling.get()) {
                        consumer.poll(Duration.ofMillis(200));
                        assigned.set(!consumer.assignment().isEmpty());
                    }
                }
            }, "other-replica");
            member.setDaemon(true);
            member.start();
            Awaitility.await("the other replica holds the partition").atMost(Duration.ofSeconds(30)).untilTrue(assigned);
            return Map.of();
        }

        @Override
        public void stop() {
            polling.set(false);
            try {
                member.join(Duration.ofSeconds(10).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Test
    void aReplicaWithoutPartitionsIsReadyAndRecoversItsReadinessAfterABrokerRestart() {
        Awaitility.await("the idle replica is ready").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                .until(() -> readiness().statusCode() == 200);
        awaitIdle();
        assertEquals(200, readiness().statusCode(), "ready while the group gives it nothing");
        assertEquals("UP", check(readiness().jsonPath(), "kafka"));
        assertFalse(readiness().asString().contains("\"crm"), "readiness does not ask this replica's Kafka clients");

        try (SharedInfrastructure.Outage broker = SharedInfrastructure.get().killKafka()) {
            Awaitility.await("not ready while the broker is away").atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(500)).until(() -> readiness().statusCode() == 503);
            JsonPath down = readiness().jsonPath();
            assertEquals("DOWN", check(down, "kafka"), down.prettify());
            assertEquals(200, RestAssured.get("/q/health/live").statusCode(), "liveness does not depend on the broker");
        }
        Awaitility.await("ready again without a restart").atMost(Duration.ofSeconds(45))
                .pollInterval(Duration.ofMillis(500)).until(() -> readiness().statusCode() == 200);
        assertEquals(200, RestAssured.get("/q/health/live").statusCode());
        awaitIdle();
        assertEquals(200, readiness().statusCode(), "still idle after the restart, and ready");
    }

    private static Response readiness() {
        return RestAssured.get("/q/health/ready");
    }

    private static String check(JsonPath health, String name) {
        return health.getString("checks.find { it.name == '" + name + "' }.status");
    }

    /** Waits until the group has settled with the other replica holding the partition and the service none. */
    private static void awaitIdle() {
        Awaitility.await("the service is a member of the group without a partition").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                .until(() -> assignments().equals(Map.of("other-replica", 1, "intake", 0)));
    }

    /** Partitions held per member of the group: the other replica, and the service. */
    private static Map<String, Integer> assignments() {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                SharedInfrastructure.get().kafkaBootstrapServers()))) {
            var members = admin.describeConsumerGroups(Set.of(GROUP)).all().get(30, TimeUnit.SECONDS).get(GROUP).members();
            Map<String, Integer> held = new HashMap<>();
            for (MemberDescription member : members) {
                held.put(member.clientId().equals("other-replica") ? "other-replica" : "intake",
                        member.assignment().topicPartitions().size());
            }
            return held;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
