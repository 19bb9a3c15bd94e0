package org.servicerecovery.e2e.chaos;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.servicerecovery.events.CloudEvent;
import org.servicerecovery.events.CloudEvents;
import org.servicerecovery.events.CustomerEvent;
import org.servicerecovery.events.EventData;
import org.servicerecovery.events.Topic;
import org.servicerecovery.events.crm.Channel;
import org.servicerecovery.events.crm.CommitmentFulfilled;
import org.servicerecovery.events.crm.CommitmentMade;
import org.servicerecovery.events.crm.ComplaintFiled;
import org.servicerecovery.events.crm.ContactChannel;
import org.servicerecovery.events.crm.CustomerUpserted;
import org.servicerecovery.events.crm.Severity;
import org.servicerecovery.events.crm.Tier;

/**
 * A CRM writing CloudEvents to crm.events at a steady pace: every 0.4 s a new customer with two commitments
 * (each kept or not) and, for every third customer, a complaint. Some records are sent twice under the same id. A
 * hostile CRM also puts a poisoned record ({@link Poison}) among every fourth customer's valid ones.
 */
final class CrmLoad implements AutoCloseable {

    static final String SOURCE = "urn:crm:chaos";
    private static final Duration PACE = Duration.ofMillis(400);
    // A kept promise is fulfilled at once. promise-tracking decides by arrival (a due timer that fires before the
    // fulfilment is processed reports a miss), and a killed consumer's partitions wait out the session timeout, so
    // the deadline lies far beyond any stall the chaos can cause; the checker then finds its timers cancelled.
    private static final Duration KEPT_DUE = Duration.ofMinutes(10);
    private static final Severity[] COMPLAINT_SEVERITIES = {Severity.LOW, Severity.MEDIUM, Severity.HIGH};

    private final KafkaProducer<String, byte[]> producer;
    private final Random random;
    private final boolean hostile;
    private final Inputs inputs;
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    /** When the broker acknowledged each record ({@link System#nanoTime()}), in the order the acknowledgements came. */
    private final List<Long> acknowledged = Collections.synchronizedList(new ArrayList<>());
    private final Thread thread = new Thread(this::produce, "crm-load");
    private volatile boolean running = true;

    CrmLoad(String bootstrapServers, String run, long seed, boolean hostile) {
        // A CRM that rides out a broker restart: idempotent retries for as long as a chaos cycle can take.
        producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 300_000,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 300_000,
                ProducerConfig.LINGER_MS_CONFIG, 5),
                new StringSerializer(), new ByteArraySerializer());
        this.random = new Random(seed);
        this.hostile = hostile;
        this.inputs = new Inputs(run);
    }

    void start() {
        thread.start();
    }

    /** Stops sending, waits until the broker acknowledged everything, and returns what was sent. */
    Inputs stop() throws InterruptedException {
        running = false;
        thread.join();
        producer.flush();
        if (failure.get() != null) {
            throw new IllegalStateException("the CRM could not deliver an event", failure.get());
        }
        return inputs;
    }

    @Override
    public void close() {
        running = false;
        producer.close(Duration.ofSeconds(5));
    }

    private void produce() {
        for (int n = 0; running; n++) {
            customer(n);
            try {
                Thread.sleep(PACE.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void customer(int n) {
        String customerId = inputs.run + "-c" + n;
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        send(customerId + "/customer.upserted", new CustomerUpserted(customerId, "Customer " + n, "c" + n + "@example.org",
                null, random.nextBoolean() ? Tier.GOLD : Tier.STANDARD, "Europe/Berlin", "en-GB", ContactChannel.EMAIL, "blue"));
        inputs.customers.add(customerId);
        if (hostile && n % 4 == 0) {
            poison(customerId, Poison.values()[(n / 4) % Poison.values().length]);
        }
        for (int p = 1; p <= 2; p++) {
            String id = customerId + "-p" + p;
            boolean kept = random.nextInt(5) < 3;
            OffsetDateTime due = now.plus(kept ? KEPT_DUE : Duration.ofMillis(2000 + random.nextInt(3000)));
            send(id + "/commitment.made", new CommitmentMade(customerId, id, "call back about order " + id, due,
                    "agent-" + n % 7, "blue", Channel.PHONE, now));
            if (kept) {
                send(id + "/commitment.fulfilled", new CommitmentFulfilled(customerId, id, now));
            }
            inputs.commitments.add(new Inputs.Commitment(id, customerId, kept, due.toInstant()));
        }
        if (random.nextInt(3) == 0) {
            String id = customerId + "-k1";
            send(id + "/complaint.filed", new ComplaintFiled(customerId, id, Channel.PHONE, "delivery",
                    COMPLAINT_SEVERITIES[random.nextInt(COMPLAINT_SEVERITIES.length)], "the parcel arrived damaged", now));
            inputs.complaints.add(new Inputs.Complaint(id, customerId));
        }
    }

    private void poison(String customerId, Poison kind) {
        String id = customerId + "/poison-" + kind.name().toLowerCase(Locale.ROOT);
        send(kind.record(customerId, id));
        inputs.poisoned.add(new Inputs.Poisoned(kind, id, customerId));
    }

    private void send(String id, CustomerEvent data) {
        CloudEvent event = EventData.wrap(id, SOURCE, OffsetDateTime.now(ZoneOffset.UTC), data);
        sendRecord(event);
        inputs.events++;
        inputs.sentPerCustomer.computeIfAbsent(data.customerId(), customer -> new ArrayList<>()).add(id);
        if (random.nextInt(20) == 0) {
            sendRecord(event);
            inputs.resent++;
        }
    }

    private void sendRecord(CloudEvent event) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(Topic.CRM_EVENTS.topicName(), event.subject(),
                CloudEvents.toBinaryData(event));
        CloudEvents.toBinaryHeaders(event).forEach((name, value) -> record.headers().add(name, value.getBytes(StandardCharsets.UTF_8)));
        send(record);
    }

    private void send(ProducerRecord<String, byte[]> record) {
        producer.send(record, (metadata, e) -> {
            if (e != null) {
                failure.compareAndSet(null, e);
            } else {
                acknowledged.add(System.nanoTime());
            }
        });
    }

    /** Records the broker acknowledged from {@code from} to {@code to} ({@link System#nanoTime()}). */
    long acknowledgedBetween(long from, long to) {
        synchronized (acknowledged) {
            return acknowledged.stream().filter(at -> at >= from && at <= to).count();
        }
    }

    /** When the first acknowledgement after {@code from} came ({@link System#nanoTime()}), if one came. */
    OptionalLong firstAcknowledgementAfter(long from) {
        synchronized (acknowledged) {
            return acknowledged.stream().mapToLong(Long::longValue).filter(at -> at > from).min();
        }
    }

    /**
     * The longest time without any acknowledgement from {@code from} to {@code to}, counted from the last one before
     * {@code from}: how long the CRM's sends were held. While acknowledgements flow, the gap is the CRM's pace.
     */
    Duration longestWaitForAcknowledgement(long from, long to) {
        synchronized (acknowledged) {
            long previous = acknowledged.stream().filter(at -> at < from).reduce((a, b) -> b).orElse(from);
            long longest = 0;
            for (long at : acknowledged.stream().filter(at -> at >= from && at <= to).toList()) {
                longest = Math.max(longest, at - previous);
                previous = at;
            }
            return Duration.ofNanos(Math.max(longest, to - previous));
        }
    }
}
