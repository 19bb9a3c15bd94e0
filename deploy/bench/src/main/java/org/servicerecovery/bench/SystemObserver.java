package org.servicerecovery.bench;

import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.servicerecovery.events.EventData;
import org.servicerecovery.events.Topic;
import org.servicerecovery.events.domain.PromiseMissed;
import org.servicerecovery.events.domain.RecoveryCaseOpened;
import org.servicerecovery.events.domain.RecoveryTrigger;
import org.servicerecovery.testing.QuarkusProcess;
import org.servicerecovery.testing.TopicReader;

/**
 * What the system section measures while the traffic runs: the output topics read as they fill (only this run's
 * customers), and once a second each service's resident memory and the score updates loyalty-scoring stored. Latencies
 * are between record timestamps (the CRM's send, the outbox relay's publish) or from an event's own due time, in ms.
 */
final class SystemObserver implements AutoCloseable {

    final Histogram intakeLatency = new Histogram(3);
    final Histogram spreadMissLateness = new Histogram(3);
    final Histogram burstMissLateness = new Histogram(3);
    final Histogram complaintToCase = new Histogram(3);
    volatile long intakeArrived;
    volatile int plannedMissesArrived;
    volatile int unplannedMisses;
    volatile int complaintCases;
    volatile long significantScoreChanges;

    private final String bootstrapServers;
    private final MixedTraffic traffic;
    private final Timeline timeline;
    private final Thread reader = new Thread(this::read, "system-observer");
    private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
    private volatile boolean running = true;
    private long scoreUpdatesSoFar;

    SystemObserver(String bootstrapServers, MixedTraffic traffic, Timeline timeline, BenchDb loyalty,
                   Map<String, QuarkusProcess> services) {
        this.bootstrapServers = bootstrapServers;
        this.traffic = traffic;
        this.timeline = timeline;
        reader.start();
        sampler.scheduleAtFixedRate(() -> sample(loyalty, services), 0, 1, TimeUnit.SECONDS);
    }

    /** Every event sent reached intake.events, every planned miss was reported, every complaint opened its case. */
    boolean caughtUp() {
        return intakeArrived >= traffic.sent && plannedMissesArrived >= traffic.plannedMisses.size()
                && complaintCases >= traffic.complaintSentAt.size();
    }

    private void read() {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, "bench-" + UUID.randomUUID(),
                // from the start, so nothing is lost before the partitions are assigned; the key filter below keeps
                // this run's records only, and every figure comes from record timestamps, not from when they were read
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000), new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(Topic.INTAKE_EVENTS.topicName(), Topic.PROMISE_EVENTS.topicName(),
                    Topic.RECOVERY_EVENTS.topicName(), Topic.LOYALTY_EVENTS.topicName()));
            while (running) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(50))) {
                    if (record.key() != null && record.key().startsWith(traffic.prefix)) {
                        observe(record);
                    }
                }
            }
        }
    }

    private void observe(ConsumerRecord<String, byte[]> record) {
        long at = record.timestamp();
        timeline.count(record.topic(), at);
        String type = TopicReader.header(record, "ce_type");
        if (record.topic().equals(Topic.INTAKE_EVENTS.topicName())) {
            Long sent = traffic.sentAt.get(String.valueOf(TopicReader.header(record, "ce_id")));
            if (sent != null) {
                intakeLatency.recordValue(Math.max(0, at - sent));
            }
            intakeArrived++;
        } else if ("promise.missed".equals(type)) {
            PromiseMissed missed = EventData.read(TopicReader.cloudEvent(record), PromiseMissed.class);
            long lateness = Math.max(0, at - missed.dueAt().toInstant().toEpochMilli());
            (traffic.burstCommitments.contains(missed.promiseId()) ? burstMissLateness : spreadMissLateness).recordValue(lateness);
            if (traffic.plannedMisses.contains(missed.promiseId())) {
                plannedMissesArrived++;
            } else {
                unplannedMisses++;
            }
        } else if ("recovery.case-opened".equals(type)) {
            RecoveryCaseOpened opened = EventData.read(TopicReader.cloudEvent(record), RecoveryCaseOpened.class);
            Long filed = traffic.complaintSentAt.get(opened.triggerRef());
            if (opened.trigger() == RecoveryTrigger.COMPLAINT && filed != null) {
                complaintToCase.recordValue(Math.max(0, at - filed));
                complaintCases++;
            }
        } else if (record.topic().equals(Topic.LOYALTY_EVENTS.topicName())) {
            significantScoreChanges++;
        }
    }

    /**
     * loyalty.events carries only significant changes (a band crossed or a large move), so every stored score change
     * is counted from score_history instead.
     */
    private void sample(BenchDb loyalty, Map<String, QuarkusProcess> services) {
        int second = timeline.second(System.currentTimeMillis());
        services.forEach((name, process) -> timeline.set(SystemBench.RSS + name, second, process.residentBytes() >> 20));
        try {
            long updates = (long) loyalty.number("SELECT count(*) FROM score_history WHERE customer_id LIKE ?", traffic.prefix + "-%");
            timeline.add(SystemBench.SCORE_UPDATES, second, updates - scoreUpdatesSoFar);
            scoreUpdatesSoFar = updates;
        } catch (SQLException e) {
            // thrown out of a scheduled task, it would silently stop all later samples
            System.err.println("score updates not counted this second: " + e.getMessage());
        }
    }

    @Override
    public void close() throws InterruptedException {
        sampler.shutdown();
        sampler.awaitTermination(10, TimeUnit.SECONDS);
        running = false;
        reader.join();
    }
}
