package org.servicerecovery.bench;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.servicerecovery.events.CloudEvent;
import org.servicerecovery.events.CloudEvents;
import org.servicerecovery.events.CustomerEvent;
import org.servicerecovery.events.EventData;
import org.servicerecovery.events.Topic;
import org.servicerecovery.events.crm.Channel;
import org.servicerecovery.events.crm.ComplaintFiled;
import org.servicerecovery.events.crm.ContactChannel;
import org.servicerecovery.events.crm.CustomerUpserted;
import org.servicerecovery.events.crm.Severity;
import org.servicerecovery.events.crm.Tier;
import org.servicerecovery.events.domain.RecoveryCaseOpened;
import org.servicerecovery.testing.TestTokens;
import org.servicerecovery.testing.TopicReader;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;

/**
 * The customers the recovery section's complaints come from. All of them are known before anything is measured (their
 * customer.upserted went through intake), and each complaint of a run takes one of recovery-escalation's three paths,
 * in fixed shares: a customer without a case (a new case), a customer whose recent case was resolved (a new case,
 * raised as a repeat failure, supervisor involved), a customer whose case is open (the complaint joins it). The open
 * and resolved cases are made through the system too: complaints through intake, then resolved by an agent over REST.
 * The shares are an assumption (first-contact resolution of about 70 % is a common helpdesk figure, so about a quarter
 * of complaints are repeats), set with {@code -Dbench.recovery.attach-percent} and {@code -Dbench.recovery.repeat-percent}.
 */
final class RecoveryPopulation {

    enum Path { NEW, REPEAT, ATTACH }

    record Complainant(String customerId, Path path) {
    }

    static final String SOURCE = "https://crm.bench/acme";
    /** Starts every customer id of a population. */
    static final String PREFIX = "pop-";
    static final int ATTACH_PERCENT = Integer.getInteger("bench.recovery.attach-percent", 15);
    static final int REPEAT_PERCENT = Integer.getInteger("bench.recovery.repeat-percent", 25);
    /** Customers with an open case; a complaint joins their case however often they complain within a day. */
    private static final int OPEN_CASES = 2_000;
    private static final int RESOLVES_IN_FLIGHT = 16;
    private static final Tier[] TIERS = {Tier.STANDARD, Tier.STANDARD, Tier.STANDARD, Tier.GOLD, Tier.GOLD, Tier.PLATINUM};
    private static final String[] ZONES = {"Europe/Berlin", "Europe/London", "America/New_York", "Asia/Tokyo"};
    private static final String[] LOCALES = {"de-DE", "en-GB", "en-US", "ja-JP"};
    private static final String[] CATEGORIES = {"delivery", "billing", "product", "service"};
    private static final Severity[] SEVERITIES = {Severity.LOW, Severity.MEDIUM, Severity.HIGH};

    private final Random random = new Random(42);
    private final List<String> withoutCase;
    private final List<String> resolved;
    private final List<String> open;
    private int nextWithoutCase;
    private int nextResolved;

    private RecoveryPopulation(List<String> withoutCase, List<String> resolved, List<String> open) {
        this.withoutCase = withoutCase;
        this.resolved = resolved;
        this.open = open;
    }

    /** Enough customers for {@code complaints} complaints in all runs together, each new or repeat one used once. */
    static RecoveryPopulation build(String bootstrapServers, int recoveryPort, int complaints, Report report)
            throws Exception {
        long start = System.nanoTime();
        String prefix = PREFIX + UUID.randomUUID().toString().substring(0, 8);
        List<String> withoutCase = ids(prefix + "-n", complaints * (100 - ATTACH_PERCENT - REPEAT_PERCENT) / 100 + 3);
        List<String> resolved = ids(prefix + "-r", complaints * REPEAT_PERCENT / 100 + 3);
        List<String> open = ids(prefix + "-o", OPEN_CASES);
        List<String> withCase = new ArrayList<>(resolved);
        withCase.addAll(open);

        Map<String, String> cases;
        try (TopicTail tail = TopicTail.atEnd(bootstrapServers, Topic.RECOVERY_EVENTS.topicName());
             KafkaProducer<String, byte[]> producer = producer(bootstrapServers, 5)) {
            Random random = new Random(7);
            List<String> everyone = new ArrayList<>(withoutCase);
            everyone.addAll(withCase);
            for (String customer : everyone) {
                send(producer, customer + "/profile", profile(customer, random));
            }
            for (String customer : withCase) {
                send(producer, customer + "/first", complaint(customer, customer + "-first", random));
            }
            producer.flush();
            cases = casesOpened(tail, withCase.size(), prefix);
        }
        resolve(recoveryPort, resolved.stream().map(cases::get).toList());
        report.add("recovery", "population", String.format("%,d customers", withoutCase.size() + withCase.size()),
                String.format("setup, %.0f s: %,d without a case, %,d with a resolved case, %,d with an open case",
                        Baselines.seconds(start), withoutCase.size(), resolved.size(), open.size()));
        return new RecoveryPopulation(withoutCase, resolved, open);
    }

    /** The complainants of a run of {@code count}: each path in its share, in a seeded random order. */
    List<Complainant> draw(int count) {
        int attach = count * ATTACH_PERCENT / 100;
        int repeat = count * REPEAT_PERCENT / 100;
        List<Complainant> run = new ArrayList<>(count);
        for (int i = 0; i < attach; i++) {
            run.add(new Complainant(open.get(random.nextInt(open.size())), Path.ATTACH));
        }
        for (int i = 0; i < repeat; i++) {
            run.add(new Complainant(resolved.get(nextResolved++), Path.REPEAT));
        }
        for (int i = attach + repeat; i < count; i++) {
            run.add(new Complainant(withoutCase.get(nextWithoutCase++), Path.NEW));
        }
        Collections.shuffle(run, random);
        return run;
    }

    static KafkaProducer<String, byte[]> producer(String bootstrapServers, int lingerMillis) {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, lingerMillis), new StringSerializer(), new ByteArraySerializer());
    }

    /** A CRM event on crm.events in binary mode, keyed by customer, as a CRM connector sends it. */
    static void send(KafkaProducer<String, byte[]> producer, String id, CustomerEvent data) {
        long now = System.currentTimeMillis();
        CloudEvent event = EventData.wrap(id, SOURCE, Instant.ofEpochMilli(now).atOffset(ZoneOffset.UTC), data);
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(Topic.CRM_EVENTS.topicName(), null, now,
                event.subject(), CloudEvents.toBinaryData(event));
        CloudEvents.toBinaryHeaders(event).forEach((name, value) ->
                record.headers().add(name, value.getBytes(StandardCharsets.UTF_8)));
        producer.send(record);
    }

    static ComplaintFiled complaint(String customer, String complaintId, Random random) {
        return new ComplaintFiled(customer, complaintId, Channel.PHONE, CATEGORIES[random.nextInt(CATEGORIES.length)],
                SEVERITIES[random.nextInt(SEVERITIES.length)], "the parcel arrived damaged",
                OffsetDateTime.now(ZoneOffset.UTC));
    }

    private static CustomerUpserted profile(String customer, Random random) {
        int zone = random.nextInt(ZONES.length);
        return new CustomerUpserted(customer, "Customer " + customer, customer + "@example.org", null,
                TIERS[random.nextInt(TIERS.length)], ZONES[zone], LOCALES[zone],
                ContactChannel.values()[random.nextInt(ContactChannel.values().length)], "team-" + random.nextInt(5));
    }

    private static List<String> ids(String prefix, int count) {
        List<String> ids = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            ids.add(prefix + i);
        }
        return ids;
    }

    /** Customer → the case its first complaint opened. */
    private static Map<String, String> casesOpened(TopicTail tail, int expected, String prefix) {
        Map<String, String> cases = new HashMap<>();
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        while (cases.size() < expected) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("only " + cases.size() + " of " + expected + " population cases opened");
            }
            for (ConsumerRecord<String, byte[]> record : tail.poll(Duration.ofMillis(200))) {
                Header type = record.headers().lastHeader("ce_type");
                if (record.key() != null && record.key().startsWith(prefix) && type != null
                        && "recovery.case-opened".equals(new String(type.value(), StandardCharsets.UTF_8))) {
                    RecoveryCaseOpened opened = EventData.read(TopicReader.cloudEvent(record), RecoveryCaseOpened.class);
                    cases.put(opened.customerId(), opened.caseId());
                }
            }
        }
        return cases;
    }

    /** An agent resolves each case ({@code POST /api/v1/cases/{id}/resolve}), a few requests in flight. */
    private static void resolve(int port, List<String> caseIds) throws Exception {
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
        try {
            HttpClient http = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1")
                    .setDefaultPort(port).setKeepAlive(true), new PoolOptions().setHttp1MaxSize(RESOLVES_IN_FLIGHT));
            String authorization = "Bearer " + TestTokens.admin();
            AtomicInteger next = new AtomicInteger();
            AtomicInteger failed = new AtomicInteger();
            CountDownLatch lanes = new CountDownLatch(RESOLVES_IN_FLIGHT);
            for (int lane = 0; lane < RESOLVES_IN_FLIGHT; lane++) {
                vertx.runOnContext(ignored -> resolveNext(http, authorization, caseIds, next, failed, lanes));
            }
            if (!lanes.await(10, TimeUnit.MINUTES) || failed.get() > 0) {
                throw new IllegalStateException("resolving the population's cases: " + failed.get() + " failed, "
                        + next.get() + " of " + caseIds.size() + " sent");
            }
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    private static void resolveNext(HttpClient http, String authorization, List<String> caseIds, AtomicInteger next,
                                    AtomicInteger failed, CountDownLatch lanes) {
        int i = next.getAndIncrement();
        if (i >= caseIds.size()) {
            lanes.countDown();
            return;
        }
        http.request(HttpMethod.POST, "/api/v1/cases/" + caseIds.get(i) + "/resolve")
                .compose(request -> request.putHeader("Authorization", authorization)
                        .putHeader("Content-Type", "application/json")
                        .send(Buffer.buffer("{\"note\":\"sorted out on the phone\"}")))
                .compose(response -> response.body().map(body -> response.statusCode()))
                .onComplete(result -> {
                    if (result.failed() || result.result() != 200) {
                        failed.incrementAndGet();
                    }
                    resolveNext(http, authorization, caseIds, next, failed, lanes);
                });
    }
}
