package org.servicerecovery.bench;

import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.postgresql.PGConnection;
import org.servicerecovery.events.CloudEvent;
import org.servicerecovery.events.CloudEvents;
import org.servicerecovery.events.CustomerEvent;
import org.servicerecovery.events.EventData;
import org.servicerecovery.events.Topic;
import org.servicerecovery.events.crm.ContactChannel;
import org.servicerecovery.events.crm.CustomerUpserted;
import org.servicerecovery.events.crm.FeedbackReceived;
import org.servicerecovery.events.crm.Tier;
import org.servicerecovery.events.domain.PromiseKept;
import org.servicerecovery.events.domain.PromiseMissed;
import org.servicerecovery.testing.QuarkusProcess;
import org.servicerecovery.testing.TestTokens;

/**
 * loyalty-scoring as deployed: events on its three input topics until their facts are stored and scored, then a
 * rebuild of every score from a large stored history (written straight into its tables, as years of traffic would).
 */
final class LoyaltyBench {

    private static final int LIVE_CUSTOMERS = 2_000;
    private static final int REBUILD_CUSTOMERS = 100_000;
    private static final int FACTS_PER_CUSTOMER = 20;
    private static final int LONG_HISTORY = 10_000;
    private static final int PER_EVENT_WARM_UP = 50;
    private static final int PER_EVENT_SAMPLES = 300;

    private LoyaltyBench() {
    }

    static void run(BenchDb db, String bootstrapServers, Report report, QuarkusProcess service, StatementCosts statements)
            throws Exception {
        live(db, bootstrapServers, report);
        perEvent(db, bootstrapServers, report, 10);
        perEvent(db, bootstrapServers, report, LONG_HISTORY);
        rebuild(db, report, service, statements);
    }

    /**
     * The cost of one event for a customer with {@code history} stored facts: events sent one at a time, each timed
     * from the producer's send to the moment its score change is committed (its trend line visible in score_history,
     * polled every 0.2 ms on one connection). It spans the broker, the consumer's fetch, the unit of work (locks,
     * processed-event record, running score read, fact, score, trend line and running score written) and the commit.
     * The first events (warm-up, including the one that builds the customer's running score from their history) are
     * not counted.
     */
    private static void perEvent(BenchDb db, String bootstrapServers, Report report, int history) throws Exception {
        String customer = "long-" + history + "-" + UUID.randomUUID().toString().substring(0, 8);
        Instant t0 = Instant.now().minus(Duration.ofDays(400));
        copyFacts(db, customer, history, t0, Duration.ofDays(399).dividedBy(history));
        long[] nanos = new long[PER_EVENT_SAMPLES];
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers, ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 0), new StringSerializer(), new ByteArraySerializer());
             Connection connection = db.connect();
             PreparedStatement scored = connection.prepareStatement(
                     "SELECT 1 FROM score_history WHERE customer_id = ? AND cause_event_id = ?")) {
            scored.setString(1, customer);
            OffsetDateTime at = OffsetDateTime.now(ZoneOffset.UTC).minusHours(1);
            for (int i = -PER_EVENT_WARM_UP; i < PER_EVENT_SAMPLES; i++) {
                at = at.plusSeconds(1);
                String eventId = UUID.randomUUID().toString();
                long start = System.nanoTime();
                if (i % 2 == 0) {
                    send(producer, Topic.INTAKE_EVENTS, eventId, new FeedbackReceived(customer, null, Math.floorMod(i, 11), null, null, null, at), at);
                } else {
                    send(producer, Topic.PROMISE_EVENTS, eventId, new PromiseKept(customer, customer + "-k" + i, "alice", "blue",
                            at, at.minusMinutes(1)), at);
                }
                producer.flush();
                scored.setString(2, eventId);
                long deadline = start + Duration.ofSeconds(30).toNanos();
                while (!exists(scored)) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("event " + eventId + " of " + customer + " was not scored in 30 s");
                    }
                    Thread.sleep(0, 200_000);
                }
                if (i >= 0) {
                    nanos[i] = System.nanoTime() - start;
                }
            }
        }
        Arrays.sort(nanos);
        report.add("loyalty", String.format("one event, customer with %,d facts: send -> score committed, p50 / p99 (%d events)",
                        history, PER_EVENT_SAMPLES),
                String.format("%.1f / %.1f ms", nanos[PER_EVENT_SAMPLES / 2] / 1e6, nanos[PER_EVENT_SAMPLES * 99 / 100] / 1e6),
                history == LONG_HISTORY ? "goal p99 <= 5 ms" : "the same with a short history");
    }

    private static boolean exists(PreparedStatement query) throws Exception {
        try (ResultSet result = query.executeQuery()) {
            return result.next();
        }
    }

    /** {@code count} facts of one customer, the mix of {@link #fact}, {@code step} apart from {@code t0}. */
    private static void copyFacts(BenchDb db, String customer, int count, Instant t0, Duration step) throws Exception {
        StringBuilder rows = new StringBuilder();
        for (int f = 0; f < count; f++) {
            String eventId = customer + "-" + f;
            Instant when = t0.plus(step.multipliedBy(f));
            String[] fact = fact(f % FACTS_PER_CUSTOMER, f / FACTS_PER_CUSTOMER, eventId, when, customer + "-" + f / FACTS_PER_CUSTOMER);
            rows.append(customer).append('\t').append("urn:bench").append('\t').append(eventId).append('\t')
                    .append(when).append('\t').append(fact[0]).append('\t').append(fact[1]).append('\n');
        }
        try (Connection connection = db.connect()) {
            connection.unwrap(PGConnection.class).getCopyAPI().copyIn(
                    "COPY customer_fact (customer_id, source, event_id, occurred_at, kind, fact) FROM STDIN",
                    new StringReader(rows.toString()));
        }
    }

    /** Six events per customer across intake.events and promise.events; the rate is events stored and scored per second. */
    private static void live(BenchDb db, String bootstrapServers, Report report) throws Exception {
        String run = "live-" + UUID.randomUUID().toString().substring(0, 8);
        OffsetDateTime t0 = OffsetDateTime.now(ZoneOffset.UTC).minusDays(10);
        int total = 0;
        long start = System.nanoTime();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers, ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 5), new StringSerializer(), new ByteArraySerializer())) {
            for (int c = 0; c < LIVE_CUSTOMERS; c++) {
                String customer = run + "-" + c;
                send(producer, Topic.INTAKE_EVENTS, new CustomerUpserted(customer, "Customer " + c, null, null, Tier.GOLD,
                        "Europe/Berlin", "de-DE", ContactChannel.EMAIL, "blue"), t0);
                for (int p = 0; p < 3; p++) {
                    OffsetDateTime due = t0.plusHours(p + 1);
                    send(producer, Topic.PROMISE_EVENTS, new PromiseKept(customer, customer + "-p" + p, "alice", "blue", due,
                            due.minusMinutes(5)), due);
                }
                OffsetDateTime missed = t0.plusHours(5);
                send(producer, Topic.PROMISE_EVENTS, new PromiseMissed(customer, customer + "-p3", "alice", "blue",
                        "call back", missed, missed, 0), missed);
                send(producer, Topic.INTAKE_EVENTS, new FeedbackReceived(customer, null, c % 11, null, null, null,
                        t0.plusHours(6)), t0.plusHours(6));
                total += 6;
            }
        }
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        double stored = 0;
        while (stored < total && System.nanoTime() < deadline) {
            Thread.sleep(100);
            stored = db.number("SELECT count(*) FROM customer_fact WHERE customer_id LIKE ?", run + "-%");
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (stored < total) {
            throw new IllegalStateException("only " + (long) stored + " of " + total + " events were scored");
        }
        report.add("loyalty", String.format("events scored, %,d events of %,d customers", total, LIVE_CUSTOMERS),
                Report.perSecond(total / seconds), "one transaction per polled batch: facts, rescores, history, outbox");
    }

    private static void send(KafkaProducer<String, byte[]> producer, Topic topic, CustomerEvent data, OffsetDateTime time) {
        send(producer, topic, UUID.randomUUID().toString(), data, time);
    }

    private static void send(KafkaProducer<String, byte[]> producer, Topic topic, String eventId, CustomerEvent data,
                             OffsetDateTime time) {
        CloudEvent event = EventData.wrap(eventId, "urn:service-recovery:bench", time, data);
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic.topicName(), event.subject(), CloudEvents.toBinaryData(event));
        CloudEvents.toBinaryHeaders(event).forEach((name, value) -> record.headers().add(name, value.getBytes(StandardCharsets.UTF_8)));
        producer.send(record);
    }

    /**
     * 100,000 customers with 20 facts each copied into the fact table, then POST /api/v1/admin/rebuild; with the CPU the
     * service and PostgreSQL spent meanwhile and PostgreSQL's statements, to tell its time from the service's.
     */
    private static void rebuild(BenchDb db, Report report, QuarkusProcess service, StatementCosts statements) throws Exception {
        long copied = copyHistory(db);
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.port() + "/api/v1/admin/rebuild"))
                .header("Authorization", "Bearer " + TestTokens.admin())
                .timeout(Duration.ofMinutes(30))
                .POST(HttpRequest.BodyPublishers.noBody()).build();
        try (Connection connection = db.connect()) {
            long postmaster = ProcessCpu.postmaster(connection);
            statements.reset();
            long serviceCpu = ProcessCpu.millis(service.pid());
            long postgresCpu = ProcessCpu.treeMillis(postmaster);
            long start = System.nanoTime();
            HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
            double seconds = (System.nanoTime() - start) / 1e9;
            serviceCpu = ProcessCpu.millis(service.pid()) - serviceCpu;
            postgresCpu = ProcessCpu.treeMillis(postmaster) - postgresCpu;
            if (response.statusCode() != 200) {
                throw new IllegalStateException("rebuild answered " + response.statusCode() + ": " + response.body());
            }
            report.add("loyalty", String.format("rebuild of %,d customers, %,d stored events", REBUILD_CUSTOMERS, copied),
                    String.format("%,.1f s", seconds), String.format("%,.0f customers/s; goal <= 10 s", REBUILD_CUSTOMERS / seconds));
            report.add("loyalty", "rebuild: CPU of loyalty-scoring / PostgreSQL",
                    String.format("%,.1f s / %,.1f s", serviceCpu / 1000.0, postgresCpu / 1000.0),
                    String.format("user + system time over the %,.1f s (2 cores: at most %,.1f s each)", seconds, seconds));
            statements.report(report, "loyalty", "rebuild", seconds);
        }
    }

    /** A realistic mix per customer: profile, kept and missed promises, a complaint with its recovery, feedback. */
    private static long copyHistory(BenchDb db) throws Exception {
        Instant t0 = Instant.now().minus(Duration.ofDays(200));
        StringBuilder rows = new StringBuilder();
        long count = 0;
        try (Connection connection = db.connect()) {
            var copy = connection.unwrap(PGConnection.class).getCopyAPI();
            for (int c = 0; c < REBUILD_CUSTOMERS; c++) {
                String customer = String.format("history-%06d", c);
                Instant at = t0.plus(Duration.ofMinutes(c % 1440));
                for (int f = 0; f < FACTS_PER_CUSTOMER; f++) {
                    String eventId = customer + "-" + f;
                    Instant when = at.plus(Duration.ofDays(f * 9L));
                    String[] fact = fact(f, c, eventId, when, customer);
                    rows.append(customer).append('\t').append("urn:bench").append('\t').append(eventId).append('\t')
                            .append(when).append('\t').append(fact[0]).append('\t').append(fact[1]).append('\n');
                    count++;
                }
                if (c % 5_000 == 4_999) {
                    copy.copyIn("COPY customer_fact (customer_id, source, event_id, occurred_at, kind, fact) FROM STDIN",
                            new StringReader(rows.toString()));
                    rows.setLength(0);
                }
            }
            // As years of traffic leave the table: vacuumed and analysed. Straight after the copy, autovacuum would
            // start in the middle of the rebuild, and the rebuild's first reads would set every row's hint bits.
            try (Statement vacuum = connection.createStatement()) {
                vacuum.execute("VACUUM (ANALYZE) customer_fact");
            }
        }
        return count;
    }

    private static String[] fact(int f, int c, String eventId, Instant at, String customer) {
        String head = "{\"eventId\":\"" + eventId + "\",\"at\":\"" + at + "\"";
        return switch (f) {
            case 0 -> new String[] {"profile", head + ",\"tier\":\"" + (c % 10 == 0 ? "platinum" : "gold") + "\",\"team\":\"team-" + (c % 20) + "\"}"};
            case 5, 14 -> new String[] {"promise-missed", head + ",\"promiseId\":\"" + customer + "-p" + f + "\"}"};
            case 6 -> new String[] {"complaint", head + ",\"complaintId\":\"" + customer + "-c\",\"severity\":\"high\"}"};
            case 7 -> new String[] {"case-opened", head + ",\"caseId\":\"" + customer + "-k\",\"triggerRef\":\"" + customer + "-c\"}"};
            case 8 -> new String[] {"step-completed", head + ",\"caseId\":\"" + customer + "-k\",\"kind\":\"apology\",\"onTime\":true}"};
            case 9 -> new String[] {"step-completed", head + ",\"caseId\":\"" + customer + "-k\",\"kind\":\"remedy\",\"onTime\":" + (c % 3 != 0) + "}"};
            case 10 -> new String[] {"case-resolved", head + ",\"caseId\":\"" + customer + "-k\",\"stepsOnTime\":2,\"stepsTotal\":2}"};
            case 11 -> new String[] {"feedback", head + ",\"rating\":" + (c % 11) + ",\"answers\":" + (c % 4) + "}"};
            default -> new String[] {"promise-kept", head + ",\"promiseId\":\"" + customer + "-p" + f + "\"}"};
        };
    }
}
