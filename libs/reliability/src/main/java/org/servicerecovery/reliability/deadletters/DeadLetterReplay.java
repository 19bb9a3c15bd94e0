package org.servicerecovery.reliability.deadletters;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.servicerecovery.reliability.deadletters.DeadLetterViews.Item;
import org.servicerecovery.reliability.deadletters.DeadLetterViews.Listing;
import org.servicerecovery.reliability.deadletters.DeadLetterViews.Replay;
import org.servicerecovery.reliability.deadletters.DeadLetterViews.Replayed;
import org.servicerecovery.reliability.deadletters.DeadLetterViews.Skipped;
import org.servicerecovery.reliability.deadletters.ReplayLog.Parked;
import org.servicerecovery.servicekit.KafkaClientSettings;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;

/**
 * Lists the service's dead letters and re-publishes them to the topic they came from, exactly as they were there: the
 * same key, value and headers (CloudEvents binary mode travels in ce_* headers) without the dead-letter-* headers, to
 * the same partition while the topic still has it (otherwise the key picks one). Every replayed dead letter is written
 * to the replay log, and one found there is not replayed again unless forced. Consumers are idempotent on the event's
 * (source, id), so a record that did get applied later, or that every consumer of a shared topic sees again, changes
 * nothing. Created at start-up, so that {@code dead_letters_replayed_total} exists at zero before the first replay.
 */
@Startup
@ApplicationScoped
public class DeadLetterReplay {

    private static final Logger LOG = Logger.getLogger(DeadLetterReplay.class);
    // Longer than the producer's delivery timeout (2 minutes by default), by which every send has failed or succeeded.
    private static final Duration ACK_TIMEOUT = Duration.ofMinutes(3);

    private final ReplayLog log;
    private final Clock clock;
    private final String topic;
    private final KafkaClientSettings kafka;
    private final Duration readTimeout;
    private final Counter replayedCount;

    public DeadLetterReplay(ReplayLog log, Clock clock, MeterRegistry registry,
                            @ConfigProperty(name = "reliability.dead-letters.topic") String topic,
                            KafkaClientSettings kafka,
                            @ConfigProperty(name = "reliability.dead-letters.read-timeout") Duration readTimeout) {
        this.log = log;
        this.clock = clock;
        this.topic = topic;
        this.kafka = kafka;
        this.readTimeout = readTimeout;
        this.replayedCount = registry.counter("dead.letters.replayed", "topic", topic);
    }

    public String topic() {
        return topic;
    }

    /** The dead letters {@code filter} matches, the first {@code limit} in full, oldest first per partition. */
    public Listing list(DeadLetterFilter filter, int limit) {
        Map<Parked, Instant> replays = log.lastReplays(topic);
        List<Item> items = new ArrayList<>();
        AtomicInteger matched = new AtomicInteger();
        try (DeadLetterTopicReader reader = reader()) {
            reader.read(topic, filter.from(), chunk -> {
                for (ParkedRecord parked : chunk) {
                    if (filter.matches(parked) && matched.getAndIncrement() < limit) {
                        items.add(Item.of(parked, replays.get(new Parked(parked.partition(), parked.offset()))));
                    }
                }
                return true;
            });
        } catch (KafkaException e) {
            throw new DeadLettersUnavailable("Kafka did not answer: " + e.getMessage(), e);
        }
        return new Listing(topic, matched.get(), items);
    }

    /**
     * Replays the dead letters {@code filter} matches, or in a {@code dryRun} tells what would be replayed. One replay
     * at a time per service ({@link ReplayRunning} otherwise). {@code by}: who asked, for the replay log.
     */
    public Replay replay(DeadLetterFilter filter, boolean dryRun, boolean force, String by) {
        Replay result;
        try (ReplayLog.Lock lock = dryRun ? () -> { } : log.lock();
             DeadLetterTopicReader reader = reader();
             KafkaProducer<byte[], byte[]> producer = dryRun ? null : producer()) {
            Run run = new Run(filter, dryRun, force, by, log.lastReplays(topic), reader, producer);
            reader.read(topic, filter.from(), run::chunk);
            result = new Replay(topic, dryRun, force, run.matched, run.replayed, run.skipped, run.failed);
        } catch (KafkaException e) {
            throw new DeadLettersUnavailable("Kafka did not answer: " + e.getMessage(), e);
        }
        if (!dryRun) {
            LOG.infof("%s replayed %d dead letters of %s (%d skipped, %d failed)", by, result.replayed().size(), topic,
                    result.skipped().size(), result.failed().size());
        }
        return result;
    }

    /** One replay's progress, a poll of the dead-letter topic at a time. */
    private final class Run {

        private record Planned(ParkedRecord parked, ProducerRecord<byte[], byte[]> record) {
        }

        private final DeadLetterFilter filter;
        private final boolean dryRun;
        private final boolean force;
        private final String by;
        private final Map<Parked, Instant> replayedBefore;
        private final DeadLetterTopicReader reader;
        private final KafkaProducer<byte[], byte[]> producer;
        private final Map<String, Integer> partitionCounts = new HashMap<>();
        private final List<Replayed> replayed = new ArrayList<>();
        private final List<Skipped> skipped = new ArrayList<>();
        private final List<Skipped> failed = new ArrayList<>();
        private int matched;

        /** {@code producer}: null in a dry run. */
        Run(DeadLetterFilter filter, boolean dryRun, boolean force, String by, Map<Parked, Instant> replayedBefore,
            DeadLetterTopicReader reader, KafkaProducer<byte[], byte[]> producer) {
            this.filter = filter;
            this.dryRun = dryRun;
            this.force = force;
            this.by = by;
            this.replayedBefore = replayedBefore;
            this.reader = reader;
            this.producer = producer;
        }

        /** False once something failed: what follows is left for the next replay. */
        boolean chunk(List<ParkedRecord> chunk) {
            List<Planned> planned = new ArrayList<>();
            for (ParkedRecord parked : chunk) {
                if (!filter.matches(parked)) {
                    continue;
                }
                matched++;
                String why = whyNot(parked);
                if (why != null) {
                    skipped.add(new Skipped(parked.partition(), parked.offset(), parked.keyText(), why));
                } else {
                    planned.add(new Planned(parked, original(parked)));
                }
            }
            if (dryRun) {
                planned.forEach(plan -> replayed.add(new Replayed(plan.parked().partition(), plan.parked().offset(),
                        plan.parked().keyText(), plan.parked().reason(), plan.record().topic(), plan.record().partition(), null)));
                return true;
            }
            return send(planned);
        }

        private String whyNot(ParkedRecord parked) {
            Instant before = replayedBefore.get(new Parked(parked.partition(), parked.offset()));
            if (before != null && !force) {
                return "replayed before, at " + before + " (force to replay again)";
            }
            if (parked.originalTopic() == null) {
                return "no dead-letter-topic header: the original topic is unknown";
            }
            if (partitions(parked.originalTopic()) == 0) {
                return "its original topic " + parked.originalTopic() + " does not exist";
            }
            return null;
        }

        private ProducerRecord<byte[], byte[]> original(ParkedRecord parked) {
            Integer partition = parked.originalPartition();
            boolean stillThere = partition != null && partition >= 0 && partition < partitions(parked.originalTopic());
            return new ProducerRecord<>(parked.originalTopic(), stillThere ? partition : null, null, parked.key(),
                    parked.value(), parked.originalHeaders());
        }

        private int partitions(String topicName) {
            return partitionCounts.computeIfAbsent(topicName, reader::partitionCount);
        }

        /** Sends the chunk, waits for every acknowledgement, then logs what the broker took. */
        private boolean send(List<Planned> planned) {
            List<Future<RecordMetadata>> acks = planned.stream().map(plan -> producer.send(plan.record())).toList();
            Instant now = clock.instant();
            List<ReplayLog.Entry> entries = new ArrayList<>();
            for (int i = 0; i < planned.size(); i++) {
                ParkedRecord parked = planned.get(i).parked();
                try {
                    RecordMetadata ack = acks.get(i).get(ACK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                    entries.add(new ReplayLog.Entry(topic, parked.partition(), parked.offset(), parked.deadLetteredAt(),
                            parked.reason(), ack.topic(), ack.partition(), ack.offset(), force, by, now));
                    replayed.add(new Replayed(parked.partition(), parked.offset(), parked.keyText(), parked.reason(),
                            ack.topic(), ack.partition(), ack.offset()));
                } catch (ExecutionException | TimeoutException e) {
                    failed.add(new Skipped(parked.partition(), parked.offset(), parked.keyText(),
                            "Kafka did not take it: " + (e.getCause() == null ? e : e.getCause())));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    failed.add(new Skipped(parked.partition(), parked.offset(), parked.keyText(), "interrupted"));
                }
            }
            log.record(entries);
            replayedCount.increment(entries.size());
            return failed.isEmpty();
        }
    }

    private DeadLetterTopicReader reader() {
        return new DeadLetterTopicReader(kafka, readTimeout);
    }

    private KafkaProducer<byte[], byte[]> producer() {
        return new KafkaProducer<>(kafka.producer(Map.of(
                ProducerConfig.CLIENT_ID_CONFIG, topic + "-replay",
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5)),
                new ByteArraySerializer(), new ByteArraySerializer());
    }
}
