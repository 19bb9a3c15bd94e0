package org.servicerecovery.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.servicerecovery.localinfra.KafkaCluster;
import org.servicerecovery.localinfra.TopicCatalogue;

/**
 * The three-node cluster of {@code libs/local-infra}: topics replicated three times with two in sync at least; with
 * one node killed an {@code acks=all} producer goes on, with two killed it waits, and once one is back every
 * acknowledged record is there.
 */
class KafkaClusterTest {

    private static final String TOPIC = "cluster-test";
    private static KafkaCluster cluster;
    private static Path root;

    @BeforeAll
    static void startCluster() throws Exception {
        root = Files.createTempDirectory("service-recovery-cluster-");
        cluster = KafkaCluster.start(root, reserve(), reserve(), Duration.ofSeconds(120));
        TopicCatalogue.ensureTopic(cluster.bootstrapServers(), TOPIC, 3);
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    @Test
    void oneNodeLostIsRiddenOutTwoLostHoldProducersUntilOneReturnsAndNoAcknowledgedRecordIsLost() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()))) {
            TopicDescription topic = admin.describeTopics(Set.of(TOPIC)).allTopicNames().get().get(TOPIC);
            topic.partitions().forEach(partition -> assertEquals(3, partition.replicas().size()));
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, TOPIC);
            assertEquals("2", admin.describeConfigs(Set.of(resource)).all().get().get(resource)
                    .get(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG).value());
        }
        List<String> acknowledged = new ArrayList<>();
        try (KafkaProducer<String, String> producer = producer()) {
            acknowledged.addAll(sendAll(producer, "before", 30));

            cluster.kill(0);
            acknowledged.addAll(sendAll(producer, "one-down", 30));

            cluster.kill(1);
            List<Future<RecordMetadata>> held = IntStream.range(0, 10)
                    .mapToObj(i -> producer.send(new ProducerRecord<>(TOPIC, "k" + i, "two-down-" + i))).toList();
            Thread.sleep(10_000);
            assertFalse(held.stream().anyMatch(Future::isDone),
                    "a record was acknowledged or failed while two of three nodes were down");

            cluster.restart(1);
            for (Future<RecordMetadata> send : held) {
                send.get(120, TimeUnit.SECONDS);
            }
            IntStream.range(0, 10).forEach(i -> acknowledged.add("two-down-" + i));
            cluster.restart(0);
            cluster.awaitFullyReplicated(Duration.ofSeconds(120));
            acknowledged.addAll(sendAll(producer, "after", 30));
        }
        assertEquals(Set.copyOf(acknowledged), Set.copyOf(readAll()));
        assertEquals(acknowledged.size(), readAll().size());
    }

    private static List<String> sendAll(KafkaProducer<String, String> producer, String prefix, int count)
            throws Exception {
        List<Future<RecordMetadata>> sends = IntStream.range(0, count)
                .mapToObj(i -> producer.send(new ProducerRecord<>(TOPIC, "k" + i, prefix + "-" + i))).toList();
        for (Future<RecordMetadata> send : sends) {
            send.get(120, TimeUnit.SECONDS);
        }
        return IntStream.range(0, count).mapToObj(i -> prefix + "-" + i).toList();
    }

    private static KafkaProducer<String, String> producer() {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 300_000,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 300_000),
                new StringSerializer(), new StringSerializer());
    }

    private static List<String> readAll() {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = IntStream.range(0, 3).mapToObj(p -> new TopicPartition(TOPIC, p)).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<String> values = new ArrayList<>();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofSeconds(1))) {
                    values.add(record.value());
                }
            }
            return values;
        }
    }

    private static List<Integer> reserve() {
        return IntStream.range(0, KafkaCluster.SIZE).mapToObj(i -> LoopbackPorts.reserve()).toList();
    }
}
