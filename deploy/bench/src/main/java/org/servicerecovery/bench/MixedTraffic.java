package org.servicerecovery.bench;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.LongFunction;

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
 * A CRM's traffic on crm.events (binary mode) for a population of customers whose activity is Zipf-distributed: the
 * busiest customers build long histories (complaining again and again, promised things many times), most appear a few
 * times. Each step of activity is, by weight, a commitment (due within the minute, on a whole minute 1–10 minutes
 * ahead as "by 14:05" callbacks are, hours or days ahead; fulfilled early, on time seconds before the deadline, late, or
 * never), a complaint, survey feedback (ratings skewed high, some detractors) or a profile update. Seeded: two runs
 * make the same choices in the same order; only the send times follow the clock. Every event is dated when it is sent,
 * so a fulfilment sent before its deadline is dated before it.
 */
final class MixedTraffic implements AutoCloseable {

    /** What the generator does about a commitment. */
    enum Outcome { EARLY, ON_TIME, LATE, NEVER }

    /** A commitment due before the traffic stops: what was planned and sent, and what the observer saw come of it. */
    static final class Commitment {
        final long dueMillis;
        final Outcome planned;
        /** When its commitment.fulfilled was sent (and so dated); 0 if it was not. */
        volatile long fulfilmentSentMillis;
        /** Broker append times of the first promise.kept and promise.missed; 0 if none came. */
        volatile long keptMillis;
        volatile long missedMillis;
        volatile int misses;
        volatile boolean retracted;

        Commitment(long dueMillis, Outcome planned) {
            this.dueMillis = dueMillis;
            this.planned = planned;
        }

        /** Planned kept, but the generator, short of CPU, sent the fulfilment only after the deadline. */
        boolean sentLate() {
            return (planned == Outcome.EARLY || planned == Outcome.ON_TIME) && fulfilmentSentMillis > dueMillis;
        }

        /** The CRM reported it kept: a fulfilment sent, and dated, at or before the deadline. */
        boolean fulfilledBeforeDue() {
            return fulfilmentSentMillis != 0 && fulfilmentSentMillis <= dueMillis;
        }
    }

    /** A send planned for later; the event is built when it is sent, dated then. */
    private record Planned(long atMillis, long order, Commitment commitment, LongFunction<CustomerEvent> event) {
    }

    private static final String SOURCE = "https://crm.bench/acme";
    private static final long MINUTE = 60_000;
    private static final long HOUR = 60 * MINUTE;
    private static final long DAY = 24 * HOUR;
    private static final Tier[] TIERS = {Tier.STANDARD, Tier.STANDARD, Tier.STANDARD, Tier.GOLD, Tier.GOLD, Tier.PLATINUM};
    private static final String[] ZONES = {"Europe/Berlin", "Europe/London", "America/New_York", "Asia/Tokyo"};
    private static final String[] LOCALES = {"de-DE", "en-GB", "en-US", "ja-JP"};
    private static final String[] CATEGORIES = {"delivery", "billing", "product", "service"};
    /** NPS-like: half promoters (9-10), a third passives (7-8), the rest detractors (0-6), who open recovery cases. */
    private static final int[] RATINGS = {10, 10, 10, 9, 9, 9, 8, 8, 7, 7, 6, 5, 3, 0};
    /** The generator's thread and its producer's I/O thread carry this name, so their CPU can be told apart. */
    static final String THREAD_NAME = "system-generator";

    /** Starts every customer id of the run (the record key on every topic), so readers can pick the run's records. */
    final String prefix;
    final int customers;
    private final double[] zipfCumulative;
    private final Random random;
    private final Timeline timeline;
    private final KafkaProducer<String, byte[]> producer;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(task -> new Thread(task, THREAD_NAME));
    private final PriorityQueue<Planned> planned = new PriorityQueue<>(
            Comparator.comparingLong(Planned::atMillis).thenComparingLong(Planned::order));

    /** Event id → send time (epoch ms) of every event sent in a phase, for the intake and score latencies. */
    final Map<String, Long> sentAt = new ConcurrentHashMap<>();
    /** Complaint id → send time, for complaint → apology. */
    final Map<String, Long> complaintSentAt = new ConcurrentHashMap<>();
    /** Commitment id → commitment, for those due before the traffic stopped: the only ones whose outcome is judged. */
    final Map<String, Commitment> commitments = new ConcurrentHashMap<>();

    private long events;
    private long order;
    private long commitmentsMade;
    private long complaints;
    private Phase phase;
    private long stopAtMillis;

    MixedTraffic(String bootstrapServers, String prefix, int customers, double zipfExponent, long seed, Timeline timeline) {
        this.prefix = prefix;
        this.customers = customers;
        this.random = new Random(seed);
        this.timeline = timeline;
        this.zipfCumulative = new double[customers];
        double sum = 0;
        for (int rank = 0; rank < customers; rank++) {
            sum += 1 / Math.pow(rank + 1, zipfExponent);
            zipfCumulative[rank] = sum;
        }
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.CLIENT_ID_CONFIG, THREAD_NAME,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 2), new StringSerializer(), new ByteArraySerializer());
    }

    /** Upserts every customer of the population, paced at {@code ratePerSecond}; returns when all are acknowledged. */
    void populate(int ratePerSecond) throws InterruptedException, ExecutionException {
        thread.submit(() -> {
            long start = System.currentTimeMillis();
            for (int index = 0; index < customers; index++) {
                while (index > ratePerSecond * (System.currentTimeMillis() - start) / 1000) {
                    pause(2);
                }
                send(profile(index, ContactChannel.EMAIL), false);
            }
            producer.flush();
        }).get();
    }

    /**
     * Sends the phases one after the other, each at its rate (planned sends count towards it), then for {@code tail}
     * only the fulfilments and feedback planned by then; what is planned later is never sent. Returns when all sends
     * are acknowledged.
     */
    void run(List<Phase> phases, Duration tail) throws InterruptedException, ExecutionException {
        thread.submit(() -> {
            long start = System.currentTimeMillis();
            stopAtMillis = start + phases.stream().mapToLong(p -> p.duration.toMillis()).sum() + tail.toMillis();
            for (Phase next : phases) {
                phase = next;
                long phaseStart = System.currentTimeMillis();
                long phaseEnd = phaseStart + next.duration.toMillis();
                next.startMillis = phaseStart;
                // A generator short of CPU sends less than offered rather than stretching the phase: the report
                // gives the rate it reached.
                for (long now = phaseStart; now < phaseEnd; now = System.currentTimeMillis()) {
                    sendPlanned(now);
                    long due = next.rate * (now - phaseStart) / 1000;
                    while (next.sent < due && System.currentTimeMillis() < phaseEnd) {
                        activity(System.currentTimeMillis());
                    }
                    pause(2);
                }
                next.endMillis = System.currentTimeMillis();
                phase = null;
            }
            for (long now = System.currentTimeMillis(); now < stopAtMillis; now = System.currentTimeMillis()) {
                sendPlanned(now);
                pause(5);
            }
            planned.clear();
            producer.flush();
        }).get();
    }

    private void sendPlanned(long now) {
        while (!planned.isEmpty() && planned.peek().atMillis() <= now) {
            Planned next = planned.poll();
            long at = System.currentTimeMillis();
            send(next.event().apply(at), true);
            if (next.commitment() != null) {
                next.commitment().fulfilmentSentMillis = at;
            }
        }
    }

    private void activity(long now) {
        int index = customer();
        String customerId = customerId(index);
        int kind = random.nextInt(100);
        if (kind < 55) {
            commitment(customerId, now);
        } else if (kind < 70) {
            String complaintId = prefix + "-k" + complaints++;
            ComplaintFiled complaint = new ComplaintFiled(customerId, complaintId, Channel.PHONE,
                    CATEGORIES[random.nextInt(CATEGORIES.length)], Severity.values()[random.nextInt(3)],
                    "the parcel arrived damaged", utc(now));
            complaintSentAt.put(complaintId, send(complaint, true));
            if (phase != null) {
                phase.complaints++;
            }
        } else if (kind < 90) {
            int rating = RATINGS[random.nextInt(RATINGS.length)];
            String improve = random.nextBoolean() ? "answer the phone sooner" : null;
            send(new FeedbackReceived(customerId, null, rating, improve, null, null, utc(now)), true);
        } else {
            send(profile(index, ContactChannel.values()[random.nextInt(ContactChannel.values().length)]), true);
        }
    }

    private void commitment(String customerId, long now) {
        String commitmentId = prefix + "-p" + commitmentsMade++;
        long due = due(now);
        Outcome outcome = switch (random.nextInt(10)) {
            case 0 -> Outcome.NEVER;
            case 1 -> Outcome.LATE;
            case 2, 3 -> Outcome.ON_TIME;
            default -> Outcome.EARLY;
        };
        long window = due - now;
        long fulfilAt = switch (outcome) {
            case EARLY -> now + window / 10 + (long) (random.nextDouble() * window * 0.6);
            case ON_TIME -> Math.max(now + 100, due - 500 - random.nextInt(4_500));
            case LATE -> due + 2_000 + random.nextInt(28_000);
            case NEVER -> 0;
        };
        send(new CommitmentMade(customerId, commitmentId, "call back about the refund", utc(due), "agent-" + random.nextInt(50),
                "team-" + random.nextInt(5), Channel.values()[random.nextInt(Channel.values().length)], utc(now)), true);
        Commitment commitment = new Commitment(due, outcome);
        if (due <= stopAtMillis) {
            commitments.put(commitmentId, commitment);
        }
        if (outcome != Outcome.NEVER && fulfilAt <= stopAtMillis) {
            planned.add(new Planned(fulfilAt, order++, commitment,
                    at -> new CommitmentFulfilled(customerId, commitmentId, utc(at))));
        }
    }

    /** Half within the minute, a quarter on a whole minute 1–10 minutes ahead, the rest hours or days ahead. */
    private long due(long now) {
        int horizon = random.nextInt(100);
        if (horizon < 50) {
            return now + 5_000 + random.nextInt(55_000);
        }
        if (horizon < 75) {
            long at = now + MINUTE + random.nextLong(9 * MINUTE);
            return at - at % MINUTE;
        }
        if (horizon < 90) {
            return now + HOUR + random.nextLong(23 * HOUR);
        }
        return now + DAY + random.nextLong(13 * DAY);
    }

    /** A customer index, 0 the busiest, drawn with probability proportional to 1 / (index + 1)^exponent. */
    private int customer() {
        double draw = random.nextDouble() * zipfCumulative[customers - 1];
        int found = Arrays.binarySearch(zipfCumulative, draw);
        return found >= 0 ? found : -found - 1;
    }

    private String customerId(int index) {
        return prefix + "-c" + index;
    }

    /** A customer's profile, the same on every upsert but for the channel, so the population and updates agree. */
    private CustomerUpserted profile(int index, ContactChannel channel) {
        String customerId = customerId(index);
        int zone = index % ZONES.length;
        return new CustomerUpserted(customerId, "Customer " + index, customerId + "@example.org", null,
                TIERS[index % TIERS.length], ZONES[zone], LOCALES[zone], channel, "team-" + index % 5);
    }

    /** Sends one event dated now; returns the send time. */
    private long send(CustomerEvent data, boolean measured) {
        long now = System.currentTimeMillis();
        String id = prefix + "-e" + events++;
        CloudEvent event = EventData.wrap(id, SOURCE, utc(now), data);
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(Topic.CRM_EVENTS.topicName(), null, now, event.subject(),
                CloudEvents.toBinaryData(event));
        CloudEvents.toBinaryHeaders(event).forEach((name, value) -> record.headers().add(name, value.getBytes(StandardCharsets.UTF_8)));
        if (measured) {
            sentAt.put(id, now);
        }
        timeline.count(SystemBench.SENT, now);
        producer.send(record);
        if (phase != null) {
            phase.sent++;
        }
        return now;
    }

    private static OffsetDateTime utc(long epochMillis) {
        return Instant.ofEpochMilli(epochMillis).atOffset(ZoneOffset.UTC);
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        producer.close();
        thread.shutdownNow();
    }
}
