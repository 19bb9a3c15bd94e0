package org.servicerecovery.e2e.chaos;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.servicerecovery.events.IntakeWatermark;
import org.servicerecovery.testing.WatermarkFeed;
import org.servicerecovery.events.Topic;

/**
 * The system has nothing left to do: the deadline of every commitment meant to be missed passed, no timer is due, every outbox is empty and
 * every consumer group has committed the end of its topics. Seen twice in a row, because an outbox relayed between
 * the lag check and the outbox check puts new records on a topic. Intake's watermark records (every 0.2 s on every
 * partition of intake.events) never stop: records left unconsumed that are all watermarks, and watermark rows in
 * intake's outbox, are no work left.
 */
final class Quiescence {

    static final List<String> SCHEMAS = List.of("intake", "promise_tracking", "recovery_escalation", "loyalty_scoring");
    private static final Map<String, List<Topic>> GROUPS = Map.of(
            "intake", List.of(Topic.CRM_EVENTS),
            "promise-tracking", List.of(Topic.INTAKE_EVENTS),
            "recovery-escalation", List.of(Topic.INTAKE_EVENTS, Topic.PROMISE_EVENTS),
            "loyalty-scoring", List.of(Topic.INTAKE_EVENTS, Topic.PROMISE_EVENTS, Topic.RECOVERY_EVENTS));
    private static final Duration POLL = Duration.ofSeconds(2);

    private Quiescence() {
    }

    /** Empty when quiescent within {@code timeout}; otherwise what was still busy at the end. */
    static Optional<String> await(ChaosInfrastructure infrastructure, Instant lastMissDue, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean quietBefore = false;
        Optional<String> busy = Optional.of("not checked");
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, infrastructure.bootstrapServers()));
             KafkaConsumer<String, byte[]> reader = new KafkaConsumer<>(Map.of(
                     ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, infrastructure.bootstrapServers(),
                     ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(), new ByteArrayDeserializer())) {
            for (int poll = 0; System.nanoTime() < deadline; poll++) {
                busy = busy(admin, reader, infrastructure, lastMissDue);
                if (poll % 5 == 4) {
                    busy.ifPresent(reason -> Chaos.log("still busy: " + reason));
                }
                if (busy.isEmpty() && quietBefore) {
                    return busy;
                }
                quietBefore = busy.isEmpty();
                Thread.sleep(POLL.toMillis());
            }
        }
        return busy;
    }

    private static Optional<String> busy(Admin admin, KafkaConsumer<String, byte[]> reader, ChaosInfrastructure infrastructure,
                                         Instant lastMissDue) throws Exception {
        if (Instant.now().isBefore(lastMissDue)) {
            return Optional.of("commitments to be missed still ahead of their deadline");
        }
        Optional<String> lag = lagging(admin, reader);
        return lag.isPresent() ? lag : pendingWork(infrastructure);
    }

    /** Records each consumer group has yet to commit, summed over its partitions. */
    private static Optional<String> lagging(Admin admin, KafkaConsumer<String, byte[]> reader) throws Exception {
        Map<String, Long> behind = new LinkedHashMap<>();
        for (Map.Entry<String, List<Topic>> group : GROUPS.entrySet()) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group.getKey())
                    .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
            List<String> topics = group.getValue().stream().map(Topic::topicName).toList();
            Map<TopicPartition, OffsetSpec> latest = admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS)
                    .values().stream()
                    .flatMap(topic -> topic.partitions().stream().map(p -> new TopicPartition(topic.name(), p.partition())))
                    .collect(Collectors.toMap(Function.identity(), partition -> OffsetSpec.latest()));
            long lag = 0;
            for (Map.Entry<TopicPartition, ListOffsetsResultInfo> end : admin.listOffsets(latest).all()
                    .get(30, TimeUnit.SECONDS).entrySet()) {
                OffsetAndMetadata at = committed.get(end.getKey());
                lag += customerRecords(reader, end.getKey(), at == null ? 0 : at.offset(), end.getValue().offset());
            }
            if (lag > 0) {
                behind.put(group.getKey(), lag);
            }
        }
        return behind.isEmpty() ? Optional.empty() : Optional.of("records not yet consumed " + behind);
    }

    /** The records in [from, to) of a partition that are not intake's watermarks. */
    private static long customerRecords(KafkaConsumer<String, byte[]> reader, TopicPartition partition, long from, long to) {
        if (from >= to) {
            return 0;
        }
        reader.assign(List.of(partition));
        reader.seek(partition, from);
        long customer = 0;
        long next = from;
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (next < to && System.nanoTime() < deadline) {
            for (ConsumerRecord<String, byte[]> record : reader.poll(Duration.ofMillis(200))) {
                if (record.offset() < to && !WatermarkFeed.isWatermark(record)) {
                    customer++;
                }
                next = record.offset() + 1;
            }
        }
        return next < to ? customer + (to - next) : customer;
    }

    private static Optional<String> pendingWork(ChaosInfrastructure infrastructure) throws SQLException {
        Map<String, String> pending = new LinkedHashMap<>();
        try (Connection connection = infrastructure.connect(); Statement statement = connection.createStatement()) {
            for (String schema : SCHEMAS) {
                try (ResultSet row = statement.executeQuery("SELECT (SELECT count(*) FROM " + schema + ".outbox WHERE event_type <> '" + IntakeWatermark.TYPE + "'), "
                        + "(SELECT count(*) FROM " + schema + ".timer WHERE NOT parked AND due_at <= now())")) {
                    row.next();
                    if (row.getLong(1) > 0 || row.getLong(2) > 0) {
                        pending.put(schema, row.getLong(1) + " outbox rows, " + row.getLong(2) + " timers due");
                    }
                }
            }
        }
        return pending.isEmpty() ? Optional.empty() : Optional.of(pending.toString());
    }
}
