package org.servicerecovery.bench;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntFunction;

import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.postgresql.PGConnection;
import org.servicerecovery.events.CloudEvent;
import org.servicerecovery.events.CloudEvents;
import org.servicerecovery.events.EventData;
import org.servicerecovery.events.Topic;
import org.servicerecovery.events.crm.Channel;
import org.servicerecovery.events.crm.CommitmentMade;
import org.servicerecovery.events.domain.PromiseMissed;
import org.servicerecovery.testing.TopicReader;

/**
 * promise-tracking as deployed, carrying a backlog of a million pending promises: ten thousand promises due in the
 * same second (latency of a burst), then commitments made over Kafka at a steady rate below capacity (latency at a
 * fixed rate). Lateness is the promise's due time → the bench receives its promise.missed on promise.events: timer
 * firing, the transaction, the outbox relay and the broker's append included. The receive instant, not the record's
 * timestamp: the topic keeps the relay producer's CreateTime, stamped at {@code send()} before the broker acknowledged.
 */
final class PromiseBench {

    private static final int PENDING = 1_000_000;
    private static final int BURST = 10_000;
    /** Enough for the burst's at-risk warnings (armed "now", as the service does within 15 min of the due time) to drain. */
    private static final Duration BURST_LEAD = Duration.ofSeconds(20);
    /** -Dbench.promises.rate=50 finds the rate at which the goal holds on a given machine. */
    private static final int STEADY_RATE = Integer.getInteger("bench.promises.rate", 200);
    private static final Duration STEADY_FOR = Duration.ofSeconds(20);
    private static final Duration WARM_UP = Duration.ofSeconds(15);
    private static final Duration STEADY_DUE_IN = Duration.ofSeconds(3);
    private static final Duration DRAIN = Duration.ofMinutes(2);

    private PromiseBench() {
    }

    /** One promise as promise-tracking stores it; {@code atRiskAt} null means no warning timer. */
    private record Row(String id, String customerId, Instant madeAt, Instant dueAt, Instant atRiskAt) {
    }

    static void run(BenchDb db, String bootstrapServers, Report report) throws Exception {
        long start = System.nanoTime();
        Instant now = Instant.now();
        // Made over the past 30 days, due 30 to 60 days ahead: neither their warnings nor their deadlines fire here.
        copy(db, PENDING, i -> {
            Instant made = now.minus(Duration.ofSeconds(i % 2_592_000));
            Instant due = now.plus(Duration.ofDays(30)).plus(Duration.ofSeconds(i % 2_592_000));
            return new Row("pending-" + i, "pending-cust-" + (i % 100_000), made, due, atRisk(made, due, now));
        });
        report.add("promises", "1,000,000 pending promises copied in", String.format("%.1f s", Baselines.seconds(start)),
                "setup: promise, history, processed_event, 2 timers each");

        burst(db, bootstrapServers, report);
        steady(bootstrapServers, report);
    }

    /** The service's standard-tier policy (no customer_tier row): 80 % of the interval or 15 min before, the earlier. */
    private static Instant atRisk(Instant made, Instant due, Instant now) {
        Instant byFraction = made.plusMillis((long) (Duration.between(made, due).toMillis() * 0.8));
        Instant byLead = due.minus(Duration.ofMinutes(15));
        Instant at = byFraction.isBefore(byLead) ? byFraction : byLead;
        at = at.isBefore(now) ? now : at;
        return at.isBefore(due) ? at : null;
    }

    /**
     * Bulk-loaded rather than sent over Kafka, so that all 10,000 are surely stored before their due second whatever
     * the consumer's rate; the timer firing path is what is measured.
     */
    private static void burst(BenchDb db, String bootstrapServers, Report report) throws Exception {
        String prefix = "burst-" + UUID.randomUUID().toString().substring(0, 8);
        CompletableFuture<Histogram> misses = collect(bootstrapServers, prefix, BURST);
        Instant now = Instant.now();
        Instant due = now.plus(BURST_LEAD).truncatedTo(ChronoUnit.SECONDS);
        // Spread over the one second, as real deadlines "at 14:00:00" are not all on the same millisecond.
        copy(db, BURST, i -> new Row(prefix + "-" + i, prefix + "-cust-" + i, now, due.plusMillis(i % 1000),
                atRisk(now, due, now)));
        if (Instant.now().isAfter(due)) {
            throw new IllegalStateException("the burst was loaded after its due time; raise BURST_LEAD");
        }
        Histogram lateness = misses.join();
        report.add("promises", "10k due in one second: missed p50", Report.millis(lateness.getValueAtPercentile(50)),
                "due time → promise.missed received from promise.events");
        report.add("promises", "10k due in one second: missed p99", Report.millis(lateness.getValueAtPercentile(99)),
                "the same span");
        report.add("promises", "10k due in one second: all emitted after", Report.millis(lateness.getMaxValue()),
                String.format("goal ≤ 2,000 ms; due time → the last received; %,d of %,d received", lateness.getTotalCount(), BURST));
    }

    /**
     * commitment.made paced at STEADY_RATE, each due STEADY_DUE_IN after it was sent. A first run of WARM_UP is not
     * counted: it gets the consume-and-schedule path compiled, as in a service that has run for a while.
     */
    private static void steady(String bootstrapServers, Report report) throws Exception {
        steadyRun(bootstrapServers, WARM_UP);
        int total = (int) (STEADY_RATE * STEADY_FOR.toSeconds());
        Histogram lateness = steadyRun(bootstrapServers, STEADY_FOR);
        String rate = String.format("%,d /s for %d s, due %d s after", STEADY_RATE, STEADY_FOR.toSeconds(), STEADY_DUE_IN.toSeconds());
        report.add("promises", "steady " + STEADY_RATE + " /s: missed p50", Report.millis(lateness.getValueAtPercentile(50)),
                rate + "; due time → promise.missed received from promise.events");
        report.add("promises", "steady " + STEADY_RATE + " /s: missed p99", Report.millis(lateness.getValueAtPercentile(99)),
                "goal ≤ 100 ms; the same span");
        report.add("promises", "steady " + STEADY_RATE + " /s: missed max", Report.millis(lateness.getMaxValue()),
                String.format("the same span; %,d of %,d received", lateness.getTotalCount(), total));
    }

    /** Lateness of the run's misses; the run ends when its last miss arrived (or DRAIN passed). */
    private static Histogram steadyRun(String bootstrapServers, Duration duration) throws Exception {
        String prefix = "steady-" + UUID.randomUUID().toString().substring(0, 8);
        int total = (int) (STEADY_RATE * duration.toSeconds());
        CompletableFuture<Histogram> misses = collect(bootstrapServers, prefix, total);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.LINGER_MS_CONFIG, 1), new StringSerializer(), new ByteArraySerializer())) {
            long start = System.nanoTime();
            for (int sent = 0; sent < total; sent++) {
                // Paced by the clock (commitment n leaves at start + n / rate), so any rate works, and a slow send is caught up.
                long sleep = start + sent * 1_000_000_000L / STEADY_RATE - System.nanoTime();
                if (sleep > 0) {
                    Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
                }
                OffsetDateTime made = OffsetDateTime.now(ZoneOffset.UTC);
                String customer = prefix + "-cust-" + sent;
                CloudEvent event = EventData.wrap(UUID.randomUUID().toString(), "https://crm.bench/acme", made,
                        new CommitmentMade(customer, prefix + "-" + sent, "call back with the refund",
                                made.plus(STEADY_DUE_IN), "agent-" + (sent % 50), "team-" + (sent % 5), Channel.PHONE, made));
                ProducerRecord<String, byte[]> record = new ProducerRecord<>(Topic.INTAKE_EVENTS.topicName(), customer,
                        CloudEvents.toBinaryData(event));
                CloudEvents.toBinaryHeaders(event).forEach((name, value) ->
                        record.headers().add(name, value.getBytes(StandardCharsets.UTF_8)));
                producer.send(record);
            }
        }
        return misses.join();
    }

    /**
     * Reads promise.events, from its end as it is now, until {@code expected} promise.missed of this run arrived or
     * DRAIN passed; lateness in ms is the instant the poll returned the record minus the event's own dueAt. A shortfall
     * shows in the count, not as an error.
     */
    private static CompletableFuture<Histogram> collect(String bootstrapServers, String prefix, int expected) {
        TopicTail tail = TopicTail.atEnd(bootstrapServers, Topic.PROMISE_EVENTS.topicName());
        return CompletableFuture.supplyAsync(() -> {
            Histogram lateness = new Histogram(3);
            try (tail) {
                long deadline = System.nanoTime() + BURST_LEAD.plus(STEADY_FOR).plus(DRAIN).toNanos();
                while (lateness.getTotalCount() < expected && System.nanoTime() < deadline) {
                    ConsumerRecords<String, byte[]> records = tail.poll(Duration.ofMillis(50));
                    long received = System.currentTimeMillis();
                    for (ConsumerRecord<String, byte[]> record : records) {
                        Header type = record.headers().lastHeader("ce_type");
                        if (record.key() == null || !record.key().startsWith(prefix) || type == null
                                || !"promise.missed".equals(new String(type.value(), StandardCharsets.UTF_8))) {
                            continue;
                        }
                        PromiseMissed missed = EventData.read(TopicReader.cloudEvent(record), PromiseMissed.class);
                        lateness.recordValue(Math.max(0, received - missed.dueAt().toInstant().toEpochMilli()));
                    }
                }
            }
            return lateness;
        });
    }

    /**
     * Writes {@code count} pending promises exactly as PromiseLifecycle.make commits a commitment.made: the promise row,
     * its "made" history entry, the idempotent-consumer record of the event, and the due and at-risk timers (ids
     * {@code <kind>:<promise id>}, owner the promise id; see PromiseTimers). COPY, in chunks, one transaction each.
     */
    private static void copy(BenchDb db, int count, IntFunction<Row> row) throws Exception {
        int chunk = 20_000;
        try (Connection connection = db.connect()) {
            var copy = connection.unwrap(PGConnection.class).getCopyAPI();
            for (int from = 0; from < count; from += chunk) {
                StringBuilder promises = new StringBuilder();
                StringBuilder history = new StringBuilder();
                StringBuilder processed = new StringBuilder();
                StringBuilder timers = new StringBuilder();
                Instant now = Instant.now();
                for (int i = from; i < Math.min(count, from + chunk); i++) {
                    Row r = row.apply(i);
                    promises.append(String.join("\t", r.id(), r.customerId(), "agent-" + (i % 500), "team-" + (i % 20),
                            Channel.values()[i % Channel.values().length].name(), "STANDARD", "call back with the refund",
                            r.madeAt().toString(), r.dueAt().toString(), "PENDING", now.toString())).append('\n');
                    history.append(String.join("\t", r.id(), now.toString(), "made",
                            "due " + r.dueAt() + " (standard tier)")).append('\n');
                    processed.append(String.join("\t", "promise-tracking", "https://crm.bench/acme",
                            "made-" + r.id())).append('\n');
                    timers.append(String.join("\t", "promise.due:" + r.id(), "promise.due", r.id(), r.dueAt().toString()))
                            .append('\n');
                    if (r.atRiskAt() != null) {
                        timers.append(String.join("\t", "promise.at-risk:" + r.id(), "promise.at-risk", r.id(),
                                r.atRiskAt().toString())).append('\n');
                    }
                }
                connection.setAutoCommit(false);
                copy.copyIn("COPY promise (id, customer_id, owner, team, channel, tier, description, made_at, due_at, state,"
                        + " updated_at) FROM STDIN", new StringReader(promises.toString()));
                copy.copyIn("COPY promise_history (promise_id, at, kind, detail) FROM STDIN", new StringReader(history.toString()));
                copy.copyIn("COPY processed_event (consumer, source, event_id) FROM STDIN", new StringReader(processed.toString()));
                copy.copyIn("COPY timer (id, kind, owner_id, due_at) FROM STDIN", new StringReader(timers.toString()));
                connection.commit();
            }
        }
    }
}
