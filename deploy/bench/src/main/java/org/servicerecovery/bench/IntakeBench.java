package org.servicerecovery.bench;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.servicerecovery.events.CloudEvents;
import org.servicerecovery.events.Topic;
import org.servicerecovery.testing.TestTokens;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;

/**
 * The intake service end to end: CRM events on crm.events (structured mode) until intake republished them on
 * intake.events through its outbox, and CRM events posted one per request to the REST door. Each door is measured
 * twice, never one run shown as both: throughput (as fast as it drains) and latency at a fixed offered rate below it.
 * "Republished" is the instant the bench receives the record from intake.events (a consumer waiting at the topic's
 * end, {@link TopicTail}): the record's own timestamp is the relay producer's, stamped at send() before the broker
 * acknowledged.
 */
final class IntakeBench {

    private static final int BURST_EVENTS = 100_000;
    private static final int STEADY_RATE = 3_000;
    private static final Duration STEADY_FOR = Duration.ofSeconds(10);
    private static final Duration REST_FOR = Duration.ofSeconds(15);
    private static final int WARM_UP_EVENTS = 30_000;
    private static final int REST_IN_FLIGHT = 64;
    /** -Dbench.intake.rest-rate=N: the REST latency run's offered rate; the report says if it is not below capacity. */
    private static final int REST_RATE = Integer.getInteger("bench.intake.rest-rate", 1_500);

    private IntakeBench() {
    }

    static void run(String bootstrapServers, int port, Report report) throws Exception {
        Map<String, Long> sentAt = new ConcurrentHashMap<>();
        // Not counted: the consume-validate-store path gets compiled first, as in a service that has run for a while.
        String warmUp = "warm-" + UUID.randomUUID();
        CompletableFuture<Long> warmUpRead = read(bootstrapServers, warmUp, WARM_UP_EVENTS, sentAt, null);
        produce(bootstrapServers, warmUp, WARM_UP_EVENTS, 0, sentAt);
        warmUpRead.join();

        String burst = "burst-" + UUID.randomUUID();
        CompletableFuture<Long> burstRead = read(bootstrapServers, burst, BURST_EVENTS, sentAt, null);
        long start = System.nanoTime();
        produce(bootstrapServers, burst, BURST_EVENTS, 0, sentAt);
        double throughput = BURST_EVENTS / ((burstRead.join() - start) / 1e9);
        report.add("intake", "Kafka ingest, 100k events, crm.events → intake.events", Report.perSecond(throughput),
                "goal ≥ 10,000 /s; throughput: 100,000 ÷ (first sent → last republished event received)");

        String steady = "steady-" + UUID.randomUUID();
        int total = (int) (STEADY_RATE * STEADY_FOR.toSeconds());
        Histogram latency = new Histogram(3);
        CompletableFuture<Long> steadyRead = read(bootstrapServers, steady, total, sentAt, latency);
        produce(bootstrapServers, steady, total, STEADY_RATE, sentAt);
        steadyRead.join();
        String span = "CRM send (crm.events record timestamp) → republished event received from intake.events";
        report.add("intake", "sent → republished p50, 3,000 /s", Report.millis(latency.getValueAtPercentile(50)),
                String.format("latency at a fixed rate (%.0f %% of the throughput above%s); %s", 100.0 * STEADY_RATE / throughput,
                        STEADY_RATE >= throughput ? ", NOT below capacity: queueing time" : "", span));
        report.add("intake", "sent → republished p99, 3,000 /s", Report.millis(latency.getValueAtPercentile(99)),
                "the same span: crm.events, validation, dedup insert, outbox, relay, broker");

        rest(port, report);
    }

    /** Sends {@code total} structured events; {@code rate} > 0 paces them, 0 sends as fast as the producer can. */
    private static void produce(String bootstrapServers, String prefix, int total, int rate, Map<String, Long> sentAt)
            throws Exception {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024), new StringSerializer(), new ByteArraySerializer())) {
            long next = System.nanoTime();
            long pause = rate > 0 ? 1_000_000_000L / rate * 10 : 0;
            for (int i = 0; i < total; i++) {
                String id = prefix + "-" + i;
                String customer = "cust-" + (i % 997);
                ProducerRecord<String, byte[]> record = new ProducerRecord<>(Topic.CRM_EVENTS.topicName(), null,
                        System.currentTimeMillis(), customer, event(id, customer, i));
                record.headers().add(CloudEvents.CONTENT_TYPE_HEADER,
                        CloudEvents.STRUCTURED_CONTENT_TYPE.getBytes(StandardCharsets.UTF_8));
                sentAt.put(id, record.timestamp());
                producer.send(record);
                if (pause > 0 && i % 10 == 9) {
                    next += pause;
                    long sleep = next - System.nanoTime();
                    if (sleep > 0) {
                        Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
                    }
                }
            }
            producer.flush();
        }
    }

    /**
     * Reads intake.events, from its end as it is before the run sends anything, until the run's events are there;
     * completes with the instant (nanoTime) the last one was received.
     */
    private static CompletableFuture<Long> read(String bootstrapServers, String prefix, int expected,
                                                Map<String, Long> sentAt, Histogram latencyMillis) {
        TopicTail tail = TopicTail.atEnd(bootstrapServers, Topic.INTAKE_EVENTS.topicName());
        return CompletableFuture.supplyAsync(() -> {
            try (tail) {
                long[] last = {0};
                long seen = tail.readRun(prefix, expected, Duration.ofMinutes(3), eventId -> {
                    last[0] = System.nanoTime();
                    Long sent = sentAt.get(eventId);
                    if (latencyMillis != null && sent != null) {
                        latencyMillis.recordValue(Math.max(0, System.currentTimeMillis() - sent));
                    }
                });
                if (seen < expected) {
                    throw new IllegalStateException("only " + seen + " of " + expected + " events reached intake.events");
                }
                return last[0];
            }
        });
    }

    /**
     * Throughput: one event per POST, {@value #REST_IN_FLIGHT} requests in flight on as many keep-alive connections,
     * each lane sending its next request when the previous one is answered, for {@link #REST_FOR}, after as long again
     * that is not counted: the HTTP path is still being compiled then (the C2 compiler took most of a core), as it is not
     * in a service that has run for a while. Latency: then requests at a fixed rate ({@link #REST_RATE}, open loop),
     * each timed from the instant it was due to be sent, so that a request held up behind a slow one counts its wait.
     * The client is Vert.x's (one event loop): the load generator shares the two cores with the service, Kafka and
     * PostgreSQL, and java.net.http spent more CPU per request than intake itself.
     */
    private static void rest(int port, Report report) throws Exception {
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
        HttpClient http = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port)
                .setKeepAlive(true), new PoolOptions().setHttp1MaxSize(REST_IN_FLIGHT));
        String authorization = "Bearer " + TestTokens.crm();
        String prefix = "rest-" + UUID.randomUUID();
        AtomicLong sequence = new AtomicLong();
        restLoad(vertx, http, authorization, prefix, sequence, new AtomicLong(), new AtomicLong());

        AtomicLong accepted = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        double seconds = restLoad(vertx, http, authorization, prefix, sequence, accepted, failed);
        double throughput = accepted.get() / seconds;
        report.add("intake", "REST POST /api/v1/events, 64 in flight", Report.perSecond(throughput),
                "goal ≥ 3,000 /s; throughput: 202 answers ÷ time, closed loop; " + failed.get() + " not 202");

        ConcurrentHistogram latency = new ConcurrentHistogram(3);
        AtomicLong latencyFailed = new AtomicLong();
        restPaced(vertx, http, authorization, prefix, sequence, latency, latencyFailed);
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        String offered = String.format("offered %s for %d s (%.0f %% of the throughput above)%s; due to send → 202 answer"
                        + " read; %d not 202", Report.perSecond(REST_RATE), REST_FOR.toSeconds(), 100.0 * REST_RATE / throughput,
                REST_RATE >= throughput ? ", NOT below capacity: queueing time" : "", latencyFailed.get());
        report.add("intake", "REST request p50, fixed rate", Report.millis(latency.getValueAtPercentile(50) / 1000.0), offered);
        report.add("intake", "REST request p99, fixed rate", Report.millis(latency.getValueAtPercentile(99) / 1000.0),
                "the same span");
    }

    /** Runs the lanes for {@link #REST_FOR}; returns the seconds it took until the last answer. */
    private static double restLoad(Vertx vertx, HttpClient http, String authorization, String prefix, AtomicLong sequence,
                                   AtomicLong accepted, AtomicLong failed) throws Exception {
        long start = System.nanoTime();
        long end = start + REST_FOR.toNanos();
        CountDownLatch finished = new CountDownLatch(REST_IN_FLIGHT);
        for (int lane = 0; lane < REST_IN_FLIGHT; lane++) {
            vertx.runOnContext(ignored -> lane(http, authorization, prefix, sequence, end, accepted, failed, finished));
        }
        finished.await(REST_FOR.toSeconds() + 30, TimeUnit.SECONDS);
        return (System.nanoTime() - start) / 1e9;
    }

    /** One lane: the next POST as soon as the previous one is answered, until {@code end}. */
    private static void lane(HttpClient http, String authorization, String prefix, AtomicLong sequence, long end,
                             AtomicLong accepted, AtomicLong failed, CountDownLatch finished) {
        if (System.nanoTime() > end) {
            finished.countDown();
            return;
        }
        post(http, authorization, prefix, sequence.getAndIncrement(), ok -> {
            (ok ? accepted : failed).incrementAndGet();
            lane(http, authorization, prefix, sequence, end, accepted, failed, finished);
        });
    }

    /**
     * {@link #REST_RATE} requests per second for {@link #REST_FOR}, request n due at start + n / rate whether or not
     * earlier ones were answered (a 1 ms timer sends those due); latency from the due instant to the answer.
     */
    private static void restPaced(Vertx vertx, HttpClient http, String authorization, String prefix, AtomicLong sequence,
                                  ConcurrentHistogram latency, AtomicLong failed) throws Exception {
        long total = REST_RATE * REST_FOR.toSeconds();
        CountDownLatch answered = new CountDownLatch((int) total);
        long start = System.nanoTime();
        long[] issued = {0};
        vertx.setPeriodic(1, timer -> {
            long due = Math.min(total, (System.nanoTime() - start) * REST_RATE / 1_000_000_000L + 1);
            for (; issued[0] < due; issued[0]++) {
                long intended = start + issued[0] * 1_000_000_000L / REST_RATE;
                post(http, authorization, prefix, sequence.getAndIncrement(), ok -> {
                    latency.recordValue(Math.max(0, (System.nanoTime() - intended) / 1000));
                    if (!ok) {
                        failed.incrementAndGet();
                    }
                    answered.countDown();
                });
            }
            if (issued[0] >= total) {
                vertx.cancelTimer(timer);
            }
        });
        answered.await(REST_FOR.toSeconds() + 60, TimeUnit.SECONDS);
    }

    /** One CRM event in one POST; {@code answered} gets whether it was accepted (202). */
    private static void post(HttpClient http, String authorization, String prefix, long i,
                             Consumer<Boolean> answered) {
        http.request(HttpMethod.POST, "/api/v1/events")
                .compose(request -> request.putHeader("Authorization", authorization)
                        .putHeader("Content-Type", CloudEvents.STRUCTURED_CONTENT_TYPE)
                        .send(Buffer.buffer(event(prefix + "-" + i, "cust-" + (i % 997), (int) i))))
                .compose(response -> response.body().map(body -> response.statusCode()))
                .onComplete(result -> answered.accept(result.succeeded() && result.result() == 202));
    }

    private static byte[] event(String id, String customer, int i) {
        return ("{\"specversion\":\"1.0\",\"id\":\"" + id + "\",\"source\":\"https://crm.bench/acme\","
                + "\"type\":\"feedback.received\",\"subject\":\"" + customer + "\",\"time\":\"2025-06-02T09:30:00+02:00\","
                + "\"data\":{\"customerId\":\"" + customer + "\",\"rating\":" + (i % 11)
                + ",\"improveOneThing\":\"answer the phone sooner\",\"receivedAt\":\"2025-06-02T09:30:00+02:00\"}}")
                .getBytes(StandardCharsets.UTF_8);
    }
}
