package org.servicerecovery.bench;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

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
import org.servicerecovery.events.crm.FeedbackReceived;
import org.servicerecovery.events.crm.Severity;
import org.servicerecovery.events.crm.Tier;

/**
 * A CRM's traffic on crm.events (binary mode), paced at a total rate: new customers (tiers mixed), each with one to
 * three commitments due 5 to 60 s ahead, most fulfilled before their deadline and some never (missed), a complaint from
 * some, survey feedback from others (ratings skewed high, some detractors). Every {@link #BURST_EVERY} the next
 * {@link #BURST_SIZE} commitments share one due second, as callbacks promised "by 14:00" do. Seeded, so two runs send
 * the same mix; only the ids' run prefix differs.
 */
final class MixedTraffic {

    private static final String SOURCE = "https://crm.bench/acme";
    private static final Duration BURST_EVERY = Duration.ofSeconds(20);
    private static final int BURST_SIZE = 300;
    /** Far enough ahead that the whole burst is made (about two seconds of commitments) before it falls due. */
    private static final Duration BURST_DUE_IN = Duration.ofSeconds(30);
    private static final Tier[] TIERS = {Tier.STANDARD, Tier.STANDARD, Tier.STANDARD, Tier.GOLD, Tier.GOLD, Tier.PLATINUM};
    private static final String[] ZONES = {"Europe/Berlin", "Europe/London", "America/New_York", "Asia/Tokyo"};
    private static final String[] LOCALES = {"de-DE", "en-GB", "en-US", "ja-JP"};
    private static final String[] CATEGORIES = {"delivery", "billing", "product", "service"};
    /** NPS-like: half promoters (9-10), a third passives (7-8), the rest detractors (0-6), who open recovery cases. */
    private static final int[] RATINGS = {10, 10, 10, 9, 9, 9, 8, 8, 7, 7, 6, 5, 3, 0};

    /** A send planned for later: a fulfilment before its deadline, feedback after the customer's promises. */
    private record Planned(long atMillis, long order, String id, CustomerEvent data) {
    }

    /** Starts every customer id of the run (the record key on every topic), so readers can pick the run's records. */
    final String prefix;
    private final int ratePerSecond;
    private final Duration duration;
    private final Random random;
    private final Timeline timeline;
    private final PriorityQueue<Planned> planned = new PriorityQueue<>(
            Comparator.comparingLong(Planned::atMillis).thenComparingLong(Planned::order));

    /** Event id → crm.events record timestamp, for the intake latency. */
    final Map<String, Long> sentAt = new ConcurrentHashMap<>();
    /** Complaint id → crm.events record timestamp, for complaint → case. */
    final Map<String, Long> complaintSentAt = new ConcurrentHashMap<>();
    final Set<String> burstCommitments = ConcurrentHashMap.newKeySet();
    /** Commitments never fulfilled; any other miss is a fulfilment that promise-tracking processed after the deadline. */
    final Set<String> plannedMisses = ConcurrentHashMap.newKeySet();
    volatile long sent;
    volatile int commitments;
    volatile Instant lastDue = Instant.EPOCH;

    private long order;
    private int customers;
    private int burstLeft;
    private Instant burstDue;

    MixedTraffic(String prefix, int ratePerSecond, Duration duration, long seed, Timeline timeline) {
        this.prefix = prefix;
        this.ratePerSecond = ratePerSecond;
        this.duration = duration;
        this.random = new Random(seed);
        this.timeline = timeline;
    }

    /** Sends for {@code duration}, then the planned fulfilments and feedback still due; returns when all are acknowledged. */
    void run(String bootstrapServers) throws InterruptedException {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 2), new StringSerializer(), new ByteArraySerializer())) {
            long start = System.currentTimeMillis();
            long end = start + duration.toMillis();
            long nextBurst = start + BURST_EVERY.toMillis() / 2;
            for (long now = start; now < end || !planned.isEmpty(); now = System.currentTimeMillis()) {
                while (!planned.isEmpty() && planned.peek().atMillis() <= now) {
                    Planned next = planned.poll();
                    send(producer, next.id(), next.data());
                }
                if (now < end) {
                    if (now >= nextBurst) {
                        burstLeft = BURST_SIZE;
                        burstDue = Instant.ofEpochMilli(now).plus(BURST_DUE_IN);
                        nextBurst += BURST_EVERY.toMillis();
                    }
                    // Planned sends count too, so the total (not just new customers) holds the rate.
                    while (sent < ratePerSecond * (now - start) / 1000) {
                        customer(producer, now);
                    }
                }
                Thread.sleep(5);
            }
        }
    }

    private void customer(KafkaProducer<String, byte[]> producer, long nowMillis) {
        OffsetDateTime now = Instant.ofEpochMilli(nowMillis).atOffset(ZoneOffset.UTC);
        String customerId = prefix + "-c" + customers++;
        int zone = random.nextInt(ZONES.length);
        send(producer, customerId + "/profile", new CustomerUpserted(customerId, "Customer " + customers, customerId + "@example.org",
                null, TIERS[random.nextInt(TIERS.length)], ZONES[zone], LOCALES[zone],
                ContactChannel.values()[random.nextInt(ContactChannel.values().length)], "team-" + random.nextInt(5)));
        // A complaint comes first, and its customer's promises are all kept, so that it opens a case of its own (a
        // customer's later failures join an open case) and complaint → case is measured on every complaint.
        boolean complains = random.nextInt(100) < 12;
        if (complains) {
            String complaintId = customerId + "-k";
            send(producer, complaintId, new ComplaintFiled(customerId, complaintId, Channel.PHONE,
                    CATEGORIES[random.nextInt(CATEGORIES.length)], Severity.values()[random.nextInt(3)],
                    "the parcel arrived damaged", now));
            complaintSentAt.put(complaintId, sentAt.get(complaintId));
        }
        Instant lastDeadline = now.toInstant();
        for (int p = 1, count = 1 + random.nextInt(3); p <= count; p++) {
            String commitmentId = customerId + "-p" + p;
            boolean inBurst = burstLeft > 0;
            Instant due = inBurst ? burstDue.plusMillis(random.nextInt(1000))
                    : now.toInstant().plusMillis(5_000 + random.nextInt(55_000));
            if (inBurst) {
                burstLeft--;
                burstCommitments.add(commitmentId);
            }
            send(producer, commitmentId + "/made", new CommitmentMade(customerId, commitmentId, "call back about the refund",
                    due.atOffset(ZoneOffset.UTC), "agent-" + random.nextInt(50), "team-" + random.nextInt(5),
                    Channel.values()[random.nextInt(Channel.values().length)], now));
            commitments++;
            lastDue = due.isAfter(lastDue) ? due : lastDue;
            lastDeadline = due.isAfter(lastDeadline) ? due : lastDeadline;
            // Kept: fulfilled between 20 % and 70 % of the way to the deadline, seconds before it, since promise-tracking
            // decides by arrival. Burst commitments are kept less often, so that many of the burst's timers fire.
            if (complains || random.nextInt(100) < (inBurst ? 50 : 85)) {
                long window = due.toEpochMilli() - nowMillis;
                long at = nowMillis + window / 5 + (long) (random.nextDouble() * window / 2);
                plan(at, commitmentId + "/fulfilled", new CommitmentFulfilled(customerId, commitmentId,
                        Instant.ofEpochMilli(at).atOffset(ZoneOffset.UTC)));
            } else {
                plannedMisses.add(commitmentId);
            }
        }
        if (random.nextInt(100) < 30) {
            long at = lastDeadline.toEpochMilli() + 1_000 + random.nextInt(5_000);
            plan(at, customerId + "/feedback", new FeedbackReceived(customerId, null, RATINGS[random.nextInt(RATINGS.length)],
                    random.nextBoolean() ? "answer the phone sooner" : null, null, null,
                    Instant.ofEpochMilli(at).atOffset(ZoneOffset.UTC)));
        }
    }

    private void plan(long atMillis, String id, CustomerEvent data) {
        planned.add(new Planned(atMillis, order++, id, data));
    }

    private void send(KafkaProducer<String, byte[]> producer, String id, CustomerEvent data) {
        long now = System.currentTimeMillis();
        CloudEvent event = EventData.wrap(id, SOURCE, Instant.ofEpochMilli(now).atOffset(ZoneOffset.UTC), data);
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(Topic.CRM_EVENTS.topicName(), null, now, event.subject(),
                CloudEvents.toBinaryData(event));
        CloudEvents.toBinaryHeaders(event).forEach((name, value) -> record.headers().add(name, value.getBytes(StandardCharsets.UTF_8)));
        sentAt.put(id, now);
        timeline.count(SystemBench.SENT, now);
        producer.send(record);
        sent++;
    }
}
