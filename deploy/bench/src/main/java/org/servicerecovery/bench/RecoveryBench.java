package org.servicerecovery.bench;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.header.Header;
import org.servicerecovery.bench.RecoveryPopulation.Complainant;
import org.servicerecovery.bench.RecoveryPopulation.Path;
import org.servicerecovery.events.EventData;
import org.servicerecovery.events.Topic;
import org.servicerecovery.events.domain.RecoveryCaseOpened;
import org.servicerecovery.testing.TopicReader;

/**
 * recovery-escalation behind intake, end to end: complaint.filed sent by a CRM on crm.events (binary mode), validated
 * and republished by intake, applied by recovery-escalation, for customers of a {@link RecoveryPopulation} (new case,
 * repeat failure, attach to an open case, each in its share). A complaint that opens a case is done when the bench
 * receives its {@code recovery.step-started} (the apology scheduled: case row, timeline, timers and events committed,
 * relayed by the outbox) from recovery.events; one that joins an open case emits nothing and is checked in the case
 * timeline. Two measurements, never one run shown as both: a throughput run (complaints sent as fast as the producer
 * goes, counted until the last apology is scheduled) and a latency run at a fixed offered rate, after a warm-up.
 */
final class RecoveryBench {

    /** -Dbench.recovery.rate=N: the latency run's offered rate; the report says if it is not below the capacity. */
    private static final int RATE = Integer.getInteger("bench.recovery.rate", 1_000);
    /**
     * With the population's setup before it (tens of thousands of events through both services, thousands of REST
     * resolves), long enough for the JIT to have compiled the hot paths of both services on two cores.
     */
    private static final Duration WARM_UP = Duration.ofSeconds(10);
    private static final Duration MEASURED = Duration.ofSeconds(10);
    private static final int THROUGHPUT_COMPLAINTS = 10_000;
    private static final Duration DRAIN = Duration.ofMinutes(3);

    private RecoveryBench() {
    }

    /**
     * End to end, and where the time went, from clocks of the same machine: the bench's send, the record timestamp of
     * the complaint on intake.events (intake's outbox relay stamps it as it sends), the event time of the case's
     * events (the instant recovery-escalation handled the complaint in its batch), the record timestamp of the
     * step-started (recovery's relay sends it) and the bench's receipt.
     */
    private static final class Stages {
        final Histogram total = new Histogram(3);
        final Map<Path, Histogram> byPath = new EnumMap<>(Map.of(Path.NEW, new Histogram(3), Path.REPEAT, new Histogram(3)));
        final Histogram intake = new Histogram(3);
        final Histogram handled = new Histogram(3);
        final Histogram relayed = new Histogram(3);
        final Histogram received = new Histogram(3);

        void record(Path path, long sent, long intakeRelayed, long handledAt, long relayedAt, long receivedAt) {
            total.recordValue(Math.max(0, receivedAt - sent));
            byPath.get(path).recordValue(Math.max(0, receivedAt - sent));
            intake.recordValue(Math.max(0, intakeRelayed - sent));
            handled.recordValue(Math.max(0, handledAt - intakeRelayed));
            relayed.recordValue(Math.max(0, relayedAt - handledAt));
            received.recordValue(Math.max(0, receivedAt - relayedAt));
        }
    }

    /** What a run saw: its time span, the cases opened and how, the stage latencies (microseconds). */
    private static final class Outcome {
        final Stages stages = new Stages();
        long firstSentNanos;
        long lastScheduledNanos;
        int scheduled;
        int expected;
        int repeatsFlagged;
        int wrongPath;
        int attachesExpected;
        int attached;
        int attachedInTheEnd;
        long attachedLateMillis;
    }

    static void run(String bootstrapServers, int recoveryPort, BenchDb db, Report report) throws Exception {
        int warmUp = (int) (RATE * WARM_UP.toSeconds());
        int measured = (int) (RATE * MEASURED.toSeconds());
        RecoveryPopulation population = RecoveryPopulation.build(bootstrapServers, recoveryPort,
                warmUp + THROUGHPUT_COMPLAINTS + measured, report);
        complain(bootstrapServers, db, population.draw(warmUp), RATE);

        Outcome throughput = complain(bootstrapServers, db, population.draw(THROUGHPUT_COMPLAINTS), 0);
        double capacity = THROUGHPUT_COMPLAINTS / ((throughput.lastScheduledNanos - throughput.firstSentNanos) / 1e9);
        report.add("recovery", "complaints through intake, as fast as they drain", Report.perSecond(capacity),
                String.format("throughput: %,d complaints ÷ (first sent → last apology step-started received); %s",
                        THROUGHPUT_COMPLAINTS, paths(throughput)));

        Outcome latency = complain(bootstrapServers, db, population.draw(measured), RATE);
        Stages stages = latency.stages;
        String offered = String.format("offered %s for %d s (%.0f %% of the capacity above); %s", Report.perSecond(RATE),
                MEASURED.toSeconds(), 100.0 * RATE / capacity, paths(latency));
        if (RATE >= capacity) {
            offered = "NOT below capacity, so this is queueing time: " + offered;
        }
        String span = "CRM send on crm.events → recovery.step-started received from recovery.events";
        report.add("recovery", "complaint → apology scheduled p50", Report.millis(ms(stages.total, 50)), span + "; " + offered);
        report.add("recovery", "complaint → apology scheduled p99", Report.millis(ms(stages.total, 99)),
                "goal ≤ 250 ms at 1,000 /s; the same span");
        report.add("recovery", "complaint → apology scheduled max", Report.millis(stages.total.getMaxValue() / 1000.0),
                "the same span");
        report.add("recovery", "p99 by path: new case / repeat failure", Report.millis(ms(stages.byPath.get(Path.NEW), 99))
                + " / " + Report.millis(ms(stages.byPath.get(Path.REPEAT), 99)),
                "the same span; a complaint that joins an open case emits no event, so it has no latency here");
        report.add("recovery", "stage p99: sent → republished by intake", Report.millis(ms(stages.intake, 99)),
                "crm.events, intake's poll, validation, de-duplication, commit, outbox relay (intake.events record timestamp)");
        report.add("recovery", "stage p99: republished → handled", Report.millis(ms(stages.handled, 99)),
                "intake.events, recovery's poll, waiting for the consumer (event time of the case's events)");
        report.add("recovery", "stage p99: handled → relayed", Report.millis(ms(stages.relayed, 99)),
                "rest of the batch, commit, outbox relay picks it up (recovery.events record timestamp)");
        report.add("recovery", "stage p99: relayed → received", Report.millis(ms(stages.received, 99)),
                "broker append and acknowledgement, bench consumer");
        // Repeat failures are raised to critical (an apology within 15 min, 7.5 for platinum): their warnings and
        // deadlines would fire while a later section (system) measures recovery-escalation again.
        try (Connection connection = db.connect(); PreparedStatement forget = connection.prepareStatement(
                "DELETE FROM timer WHERE owner_id IN (SELECT id FROM recovery_case WHERE customer_id LIKE ?)")) {
            forget.setString(1, RecoveryPopulation.PREFIX + "%");
            forget.executeUpdate();
        }
    }

    private static String paths(Outcome outcome) {
        String late = outcome.attachedInTheEnd == outcome.attached ? ""
                : String.format(" (%,d by %,d ms later)", outcome.attachedInTheEnd, outcome.attachedLateMillis);
        return String.format("%,d of %,d apologies scheduled (%,d repeat failures flagged%s); %,d of %,d complaints had"
                        + " joined an open case when the last apology was received%s", outcome.scheduled, outcome.expected,
                outcome.repeatsFlagged, outcome.wrongPath == 0 ? "" : ", " + outcome.wrongPath + " cases opened on the wrong path",
                outcome.attached, outcome.attachesExpected, late);
    }

    private static double ms(Histogram micros, double percentile) {
        return micros.getValueAtPercentile(percentile) / 1000.0;
    }

    /**
     * One complaint per complainant on crm.events, paced at {@code rate} per second in ticks of 10 ms, or as fast as
     * the producer goes with 0; returns when every case-opening complaint has its apology scheduled (or DRAIN passed).
     */
    private static Outcome complain(String bootstrapServers, BenchDb db, List<Complainant> complainants, int rate)
            throws Exception {
        String run = "run-" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, Long> sentAt = new ConcurrentHashMap<>();
        Map<String, Path> paths = new ConcurrentHashMap<>();
        complainants.stream().filter(c -> c.path() != Path.ATTACH).forEach(c -> paths.put(c.customerId(), c.path()));
        Outcome outcome = new Outcome();
        outcome.expected = paths.size();
        outcome.attachesExpected = complainants.size() - paths.size();
        TopicTail tail = TopicTail.atEnd(bootstrapServers, Topic.INTAKE_EVENTS.topicName(), Topic.RECOVERY_EVENTS.topicName());
        CompletableFuture<Void> read = CompletableFuture.runAsync(() -> read(tail, paths, sentAt, outcome));
        Random random = new Random(run.hashCode());
        try (KafkaProducer<String, byte[]> producer = RecoveryPopulation.producer(bootstrapServers, rate > 0 ? 1 : 5)) {
            outcome.firstSentNanos = System.nanoTime();
            long next = outcome.firstSentNanos;
            int perTick = Math.max(1, rate / 100);
            for (int sent = 0; sent < complainants.size(); ) {
                for (int i = 0; i < (rate > 0 ? perTick : complainants.size()) && sent < complainants.size(); i++, sent++) {
                    String customer = complainants.get(sent).customerId();
                    String complaintId = run + "-" + sent;
                    sentAt.putIfAbsent(customer, wallMicros());
                    RecoveryPopulation.send(producer, complaintId, RecoveryPopulation.complaint(customer, complaintId, random));
                }
                next += 10_000_000L;
                long sleep = next - System.nanoTime();
                if (rate > 0 && sleep > 0) {
                    Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
                }
            }
        }
        read.join();
        outcome.attached = attached(db, run);
        long lateSince = System.nanoTime();
        int all = outcome.attached;
        while (all < outcome.attachesExpected && System.nanoTime() - lateSince < DRAIN.toNanos()) {
            Thread.sleep(200);
            all = attached(db, run);
        }
        outcome.attachedLateMillis = all > outcome.attached ? (System.nanoTime() - lateSince) / 1_000_000 : 0;
        outcome.attachedInTheEnd = all;
        return outcome;
    }

    /** Complaints of the run that joined an open case: recovery writes a failure-attached timeline entry for each. */
    private static int attached(BenchDb db, String run) throws Exception {
        return (int) db.number("SELECT count(*) FROM case_timeline WHERE type = 'failure-attached' AND detail LIKE ?",
                "complaint " + run + "-%");
    }

    /**
     * Reads intake.events (the complaints as intake republished them) and recovery.events until every case-opening
     * complaint of the run has its recovery.step-started, or DRAIN has passed. A service that cannot keep up shows as a
     * partial count, not as an error.
     */
    private static void read(TopicTail tail, Map<String, Path> paths, Map<String, Long> sentAt, Outcome outcome) {
        Map<String, Long> republishedAt = new ConcurrentHashMap<>();
        try (tail) {
            long deadline = System.nanoTime() + DRAIN.toNanos();
            while (outcome.scheduled < outcome.expected && System.nanoTime() < deadline) {
                ConsumerRecords<String, byte[]> records = tail.poll(Duration.ofMillis(50));
                long received = wallMicros();
                for (ConsumerRecord<String, byte[]> record : records) {
                    Header typeHeader = record.headers().lastHeader("ce_type");
                    Path path = record.key() == null ? null : paths.get(record.key());
                    if (path == null || typeHeader == null) {
                        continue;
                    }
                    String type = new String(typeHeader.value(), StandardCharsets.UTF_8);
                    if (record.topic().equals(Topic.INTAKE_EVENTS.topicName()) && "complaint.filed".equals(type)) {
                        republishedAt.putIfAbsent(record.key(), record.timestamp() * 1_000);
                    } else if ("recovery.case-opened".equals(type)) {
                        boolean repeat = EventData.read(TopicReader.cloudEvent(record), RecoveryCaseOpened.class).repeatFailure();
                        outcome.repeatsFlagged += repeat ? 1 : 0;
                        outcome.wrongPath += repeat == (path == Path.REPEAT) ? 0 : 1;
                    } else if ("recovery.step-started".equals(type) && paths.remove(record.key()) != null) {
                        outcome.scheduled++;
                        outcome.lastScheduledNanos = System.nanoTime();
                        Long sent = sentAt.get(record.key());
                        Long republished = republishedAt.get(record.key());
                        Header time = record.headers().lastHeader("ce_time");
                        if (sent != null && republished != null && time != null) {
                            Instant handled = OffsetDateTime.parse(new String(time.value(), StandardCharsets.UTF_8)).toInstant();
                            outcome.stages.record(path, sent, republished, micros(handled), record.timestamp() * 1_000, received);
                        }
                    }
                }
            }
        }
    }

    private static long wallMicros() {
        return micros(Instant.now());
    }

    private static long micros(Instant instant) {
        return instant.getEpochSecond() * 1_000_000 + instant.getNano() / 1_000;
    }
}
