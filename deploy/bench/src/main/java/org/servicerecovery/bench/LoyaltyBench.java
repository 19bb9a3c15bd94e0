package org.servicerecovery.bench;

import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
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

    private LoyaltyBench() {
    }

    static void run(BenchDb db, String bootstrapServers, Report report, QuarkusProcess service) throws Exception {
        live(db, bootstrapServers, report);
        rebuild(db, report, service);
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
        CloudEvent event = EventData.wrap(UUID.randomUUID().toString(), "urn:service-recovery:bench", time, data);
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic.topicName(), event.subject(), CloudEvents.toBinaryData(event));
        CloudEvents.toBinaryHeaders(event).forEach((name, value) -> record.headers().add(name, value.getBytes(StandardCharsets.UTF_8)));
        producer.send(record);
    }

    /** 100,000 customers with 20 facts each copied into the fact table, then POST /api/v1/admin/rebuild. */
    private static void rebuild(BenchDb db, Report report, QuarkusProcess service) throws Exception {
        long copied = copyHistory(db);
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.port() + "/api/v1/admin/rebuild"))
                .header("Authorization", "Bearer " + TestTokens.admin())
                .timeout(Duration.ofMinutes(30))
                .POST(HttpRequest.BodyPublishers.noBody()).build();
        long start = System.nanoTime();
        HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        double seconds = (System.nanoTime() - start) / 1e9;
        if (response.statusCode() != 200) {
            throw new IllegalStateException("rebuild answered " + response.statusCode() + ": " + response.body());
        }
        report.add("loyalty", String.format("rebuild of %,d customers, %,d stored events", REBUILD_CUSTOMERS, copied),
                String.format("%,.1f s", seconds), String.format("%,.0f customers/s", REBUILD_CUSTOMERS / seconds));
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
