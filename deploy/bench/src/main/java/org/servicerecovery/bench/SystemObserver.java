package org.servicerecovery.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.servicerecovery.events.EventData;
import org.servicerecovery.events.Topic;
import org.servicerecovery.events.domain.PromiseKept;
import org.servicerecovery.events.domain.PromiseMissRetracted;
import org.servicerecovery.events.domain.PromiseMissed;
import org.servicerecovery.events.domain.RecoveryCaseOpened;
import org.servicerecovery.events.domain.RecoveryStepStarted;
import org.servicerecovery.events.domain.RecoveryTrigger;
import org.servicerecovery.events.domain.StepKind;
import org.servicerecovery.testing.QuarkusProcess;
import org.servicerecovery.testing.TopicReader;

/**
 * What the system section measures while its traffic runs. Three threads: one reads intake.events, promise.events and
 * recovery.events from their ends as they fill (record timestamps are the broker's append times, see
 * {@link SystemBench}); one reads the score_history rows loyalty-scoring appends, every {@value #SCORE_POLL_MILLIS} ms;
 * one samples every second each process's CPU and each service's memory, every consumer group's lag and every outbox's
 * oldest row. Only events of the run's customers count, and of those only types it knows: anything else on these
 * topics (other runs, other event types such as intake's watermarks) is passed over.
 */
final class SystemObserver implements AutoCloseable {

    static final String CPU = "cpu ";
    static final String LAG = "lag ";
    static final String OUTBOX_AGE = "outbox age ";
    static final String RSS = "rss ";
    static final String GENERATOR = "generator";
    static final String OBSERVER = "bench observer";
    static final String BROKER = "Kafka broker";
    static final String POSTGRES = "PostgreSQL";
    private static final long SCORE_POLL_MILLIS = 250;

    /** Each service's consumer group and the topics it reads (see the services' application.properties). */
    static final Map<String, List<Topic>> SERVICES = new LinkedHashMap<>();
    /** Each service's schema, which holds its outbox. */
    private static final Map<String, String> SCHEMAS = new LinkedHashMap<>();

    static {
        SERVICES.put("intake", List.of(Topic.CRM_EVENTS));
        SERVICES.put("promise-tracking", List.of(Topic.INTAKE_EVENTS));
        SERVICES.put("recovery-escalation", List.of(Topic.INTAKE_EVENTS, Topic.PROMISE_EVENTS));
        SERVICES.put("loyalty-scoring", List.of(Topic.INTAKE_EVENTS, Topic.PROMISE_EVENTS, Topic.RECOVERY_EVENTS));
        SERVICES.keySet().forEach(service -> SCHEMAS.put(service, service.replace('-', '_')));
    }

    private final MixedTraffic traffic;
    private final Timeline timeline;
    private final Map<String, QuarkusProcess> services;
    private final long brokerPid;
    private final long postmasterPid;
    private final Admin admin;
    private final Connection sampling;
    private final Connection scores;
    private final KafkaConsumer<String, byte[]> consumer;
    private final Thread reader = new Thread(this::read, "system-observer");
    private final ScheduledExecutorService samplers = Executors.newScheduledThreadPool(2);
    private volatile List<Phase> phases = List.of();
    private volatile boolean running = true;
    /** When the last sample started that found no backlog, after one that found none either; 0 when the last found one. */
    private volatile long emptySince;
    /** Intake's watermarks (5 /s per partition) between two offset commits (5 s) of an idle group, with a margin. */
    private static final long IDLE_WATERMARK_LAG = 40;
    /** A watermark row waits in intake's outbox for a few milliseconds before the relay takes it. */
    private static final long OUTBOX_AGE_DRAINED_MILLIS = 1_000;
    private boolean lastSampleEmpty;
    /** Observer thread only: the case each complaint opened, until its apology step starts. */
    private final Map<String, Long> apologyPending = new HashMap<>();
    /** Score poller only: where score_history ended at the last poll. */
    private long scoreBlock;
    private Set<Long> scoreRowsInBlock = new HashSet<>();

    SystemObserver(String bootstrapServers, MixedTraffic traffic, Timeline timeline, BenchDb db,
                   Map<String, QuarkusProcess> services, long brokerPid) throws SQLException {
        this.traffic = traffic;
        this.timeline = timeline;
        this.services = services;
        this.brokerPid = brokerPid;
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
        this.sampling = db.connect();
        this.scores = db.on("loyalty_scoring").connect();
        this.postmasterPid = ProcessCpu.postmaster(sampling);
        this.consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, "bench-" + UUID.randomUUID(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000), new StringDeserializer(), new ByteArrayDeserializer());
        // From the ends as they are now, resolved before any traffic: nothing of the run is missed, nothing earlier read.
        List<TopicPartition> partitions = new ArrayList<>();
        for (Topic topic : List.of(Topic.INTAKE_EVENTS, Topic.PROMISE_EVENTS, Topic.RECOVERY_EVENTS)) {
            consumer.partitionsFor(topic.topicName()).forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
        scoreBlock = (long) db.on("loyalty_scoring").number(
                "SELECT greatest(pg_relation_size('score_history') / current_setting('block_size')::bigint - 1, 0)");
        pollScores(false);
        reader.start();
        samplers.scheduleAtFixedRate(this::sample, 0, 1, TimeUnit.SECONDS);
        samplers.scheduleWithFixedDelay(() -> pollScores(true), SCORE_POLL_MILLIS, SCORE_POLL_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** The phases samples are charged to, before their traffic starts. */
    void track(List<Phase> tracked) {
        this.phases = List.copyOf(tracked);
    }

    /**
     * Two samples in a row, the later started after {@code epochMillis}, found every consumer group read to the end of
     * its topics and every outbox empty. Two, because one sample reads the end offsets before the outboxes: a record
     * relayed in between would be in neither.
     */
    boolean backlogEmptyAfter(long epochMillis) {
        long since = emptySince;
        return since != 0 && since >= epochMillis;
    }

    /** The processes whose CPU is sampled: the services, the broker, the database, the generator, the rest of the bench. */
    List<String> processes() {
        List<String> names = new ArrayList<>(services.keySet());
        names.addAll(List.of(BROKER, POSTGRES, GENERATOR, OBSERVER));
        return names;
    }

    private Phase phaseAt(long epochMillis) {
        for (Phase phase : phases) {
            if (phase.contains(epochMillis)) {
                return phase;
            }
        }
        return null;
    }

    private void read() {
        try (consumer) {
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
            Phase phase = sent == null ? null : phaseAt(sent);
            if (phase != null) {
                phase.intake.recordValue(Math.max(0, at - sent));
            }
        } else if ("promise.missed".equals(type)) {
            PromiseMissed missed = EventData.read(TopicReader.cloudEvent(record), PromiseMissed.class);
            MixedTraffic.Commitment commitment = traffic.commitments.get(missed.promiseId());
            if (commitment != null) {
                commitment.misses++;
                if (commitment.missedMillis == 0) {
                    commitment.missedMillis = at;
                    Phase phase = phaseAt(commitment.dueMillis);
                    // a false miss (the CRM reported it kept in time) has no lateness: it should not exist at all
                    if (phase != null && !commitment.fulfilledBeforeDue()) {
                        phase.missLateness.recordValue(Math.max(0, at - commitment.dueMillis));
                    }
                }
            }
        } else if ("promise.kept".equals(type)) {
            MixedTraffic.Commitment commitment = traffic.commitments.get(
                    EventData.read(TopicReader.cloudEvent(record), PromiseKept.class).promiseId());
            if (commitment != null && commitment.keptMillis == 0) {
                commitment.keptMillis = at;
            }
        } else if ("promise.miss-retracted".equals(type)) {
            MixedTraffic.Commitment commitment = traffic.commitments.get(
                    EventData.read(TopicReader.cloudEvent(record), PromiseMissRetracted.class).promiseId());
            if (commitment != null) {
                commitment.retracted = true;
            }
        } else if ("recovery.case-opened".equals(type)) {
            RecoveryCaseOpened opened = EventData.read(TopicReader.cloudEvent(record), RecoveryCaseOpened.class);
            Long filed = traffic.complaintSentAt.get(opened.triggerRef());
            if (opened.trigger() == RecoveryTrigger.COMPLAINT && filed != null) {
                apologyPending.put(opened.caseId(), filed);
            }
        } else if ("recovery.step-started".equals(type)) {
            RecoveryStepStarted started = EventData.read(TopicReader.cloudEvent(record), RecoveryStepStarted.class);
            Long filed = started.kind() == StepKind.APOLOGY ? apologyPending.remove(started.caseId()) : null;
            if (filed != null) {
                Phase phase = phaseAt(filed);
                if (phase != null) {
                    phase.complaintToApology.recordValue(Math.max(0, at - filed));
                }
            }
        }
    }

    /**
     * score_history only grows, at the end of its heap: each poll reads the blocks from the last one it saw (a TID
     * range scan, however long the table) and times a row at the poll that first sees it, so the score latency is an
     * upper bound, at most {@value #SCORE_POLL_MILLIS} ms above the commit.
     */
    private void pollScores(boolean measure) {
        long polledAt = System.currentTimeMillis();
        try (PreparedStatement query = scores.prepareStatement(
                "SELECT (ctid::text::point)[0]::bigint, seq, cause_event_id FROM score_history WHERE ctid >= ?::tid")) {
            query.setString(1, "(" + scoreBlock + ",0)");
            List<long[]> rows = new ArrayList<>();
            List<String> causes = new ArrayList<>();
            try (ResultSet result = query.executeQuery()) {
                while (result.next()) {
                    rows.add(new long[] {result.getLong(1), result.getLong(2)});
                    causes.add(result.getString(3));
                }
            }
            long lastBlock = rows.stream().mapToLong(row -> row[0]).max().orElse(scoreBlock);
            Set<Long> inLastBlock = new HashSet<>();
            for (int i = 0; i < rows.size(); i++) {
                long block = rows.get(i)[0];
                long seq = rows.get(i)[1];
                if (block == lastBlock) {
                    inLastBlock.add(seq);
                }
                if (measure && !(block == scoreBlock && scoreRowsInBlock.contains(seq))) {
                    scored(causes.get(i), polledAt);
                }
            }
            scoreBlock = lastBlock;
            scoreRowsInBlock = inLastBlock;
        } catch (SQLException e) {
            // thrown out of a scheduled task, it would silently stop all later polls
            System.err.println("score_history not read this time: " + e.getMessage());
        }
    }

    private void scored(String causeEventId, long polledAt) {
        Long sent = causeEventId == null ? null : traffic.sentAt.get(causeEventId);
        if (sent == null) {
            return;
        }
        timeline.count(SystemBench.SCORE_UPDATES, polledAt);
        Phase phase = phaseAt(sent);
        if (phase != null) {
            phase.scoreUpdated.recordValue(Math.max(0, polledAt - sent));
        }
    }

    private void sample() {
        long now = System.currentTimeMillis();
        try {
            int second = timeline.second(now);
            services.forEach((name, process) -> {
                timeline.set(CPU + name, second, ProcessCpu.millis(process.pid()));
                timeline.set(RSS + name, second, process.residentBytes() >> 20);
            });
            timeline.set(CPU + BROKER, second, ProcessCpu.millis(brokerPid));
            timeline.set(CPU + POSTGRES, second, ProcessCpu.treeMillis(postmasterPid));
            long generator = ProcessCpu.threadMillis(MixedTraffic.THREAD_NAME);
            timeline.set(CPU + GENERATOR, second, generator);
            timeline.set(CPU + OBSERVER, second, ProcessCpu.millis(ProcessHandle.current().pid()) - generator);
            boolean empty = !behind(second) & outboxAges(second) <= OUTBOX_AGE_DRAINED_MILLIS;
            emptySince = empty && lastSampleEmpty ? now : 0;
            lastSampleEmpty = empty;
        } catch (Exception e) {
            // thrown out of a scheduled task, it would silently stop all later samples
            System.err.println("system sample failed: " + e);
            lastSampleEmpty = false;
            emptySince = 0;
        }
    }

    /**
     * Records each group's records not yet read (end offset minus committed offset, over its topics); true when a group
     * is behind by more than the records that arrive between two of its offset commits while it is idle: intake
     * publishes its watermark on every partition of intake.events five times a second, and the groups commit at most
     * every 5 s, so an idle group is up to 25 records behind there, and never caught up by "lag 0".
     */
    private boolean behind(int second) throws Exception {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        admin.describeTopics(List.of(Topic.CRM_EVENTS.topicName(), Topic.INTAKE_EVENTS.topicName(),
                        Topic.PROMISE_EVENTS.topicName(), Topic.RECOVERY_EVENTS.topicName())).allTopicNames().get()
                .values().forEach(topic -> topic.partitions().forEach(partition -> latest.put(
                        new TopicPartition(topic.name(), partition.partition()), OffsetSpec.latest())));
        Map<TopicPartition, Long> ends = new HashMap<>();
        admin.listOffsets(latest).all().get().forEach((partition, end) -> ends.put(partition, end.offset()));
        boolean behind = false;
        for (Map.Entry<String, List<Topic>> service : SERVICES.entrySet()) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(service.getKey())
                    .partitionsToOffsetAndMetadata().get();
            List<String> topics = service.getValue().stream().map(Topic::topicName).toList();
            long lag = 0;
            for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
                if (topics.contains(end.getKey().topic())) {
                    OffsetAndMetadata at = committed.get(end.getKey());
                    long records = Math.max(0, end.getValue() - (at == null ? 0 : at.offset()));
                    lag += records;
                    behind |= records > (end.getKey().topic().equals(Topic.INTAKE_EVENTS.topicName()) ? IDLE_WATERMARK_LAG : 0);
                }
            }
            timeline.set(LAG + service.getKey(), second, lag);
        }
        return behind;
    }

    private long outboxAges(int second) throws SQLException {
        long total = 0;
        for (Map.Entry<String, String> schema : SCHEMAS.entrySet()) {
            try (PreparedStatement query = sampling.prepareStatement("SELECT coalesce((SELECT floor(extract(epoch FROM "
                    + "clock_timestamp() - created_at) * 1000)::bigint FROM " + schema.getValue() + ".outbox ORDER BY id LIMIT 1), 0)");
                 ResultSet result = query.executeQuery()) {
                result.next();
                long age = result.getLong(1);
                timeline.set(OUTBOX_AGE + schema.getKey(), second, age);
                total += age;
            }
        }
        return total;
    }

    @Override
    public void close() throws Exception {
        samplers.shutdown();
        samplers.awaitTermination(10, TimeUnit.SECONDS);
        running = false;
        reader.join();
        admin.close();
        sampling.close();
        scores.close();
    }
}
