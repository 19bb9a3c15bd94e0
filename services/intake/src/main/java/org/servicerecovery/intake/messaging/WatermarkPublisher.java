package org.servicerecovery.intake.messaging;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.servicerecovery.events.Topic;
import org.servicerecovery.intake.IntakeConfig;
import org.servicerecovery.intake.persistence.CrmProgress;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.smallrye.reactive.messaging.kafka.KafkaConsumer;

/**
 * Publishes intake's watermark on every partition of intake.events, every {@code intake.watermark.interval}: the
 * smallest progress over all crm.events partitions ({@link CrmProgress}). A partition this replica's consumer has
 * read to its end (its end offset, asked of the broker, reached by what was committed) is moved to "now" first, so an
 * idle CRM does not hold the watermark back. "Now" is taken before the end offsets are asked for: a record appended
 * after that has a later receipt time, except for a CRM producer's own clock skew and a record still in flight to the
 * broker, which the consumers' grace covers (docs/intake.md#watermark). Every replica runs it; each moves only the
 * partitions assigned to it, and consumers keep the largest watermark per partition.
 */
@ApplicationScoped
public class WatermarkPublisher {

    private static final Logger LOG = Logger.getLogger(WatermarkPublisher.class);
    private static final Duration BROKER_TIMEOUT = Duration.ofSeconds(2);

    /** What the consumers of this replica know: the partitions read to their end, and the two topics' sizes. */
    private record Snapshot(Set<Integer> caughtUp, int crmPartitions, int intakePartitions) {
    }

    private final KafkaClientService kafka;
    private final CrmProgress progress;
    private final CrmReadUpTo readUpTo;
    private final Clock clock;
    private final Duration interval;
    private final String crmTopic;
    private volatile boolean running;
    private Thread thread;
    private Instant lastPublished = Instant.MIN;
    private String lastProblem;

    public WatermarkPublisher(KafkaClientService kafka, CrmProgress progress, CrmReadUpTo readUpTo, Clock clock,
                              IntakeConfig config,
                              @ConfigProperty(name = "mp.messaging.incoming.crm.topic") String crmTopic) {
        this.kafka = kafka;
        this.progress = progress;
        this.readUpTo = readUpTo;
        this.clock = clock;
        this.interval = config.watermark().interval();
        this.crmTopic = crmTopic;
    }

    void start(@Observes StartupEvent startup) {
        running = true;
        thread = new Thread(this::run, "intake-watermark");
        thread.setDaemon(true);
        thread.start();
    }

    void stop(@Observes ShutdownEvent shutdown) throws InterruptedException {
        running = false;
        if (thread != null) {
            thread.interrupt();
            thread.join(BROKER_TIMEOUT.plusSeconds(1).toMillis());
        }
    }

    private void run() {
        while (running) {
            try {
                Thread.sleep(interval.toMillis());
                publishOnce();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Throwable e) {
                if (running) {
                    problem(e.toString());
                }
            }
        }
    }

    private void publishOnce() throws Throwable {
        Instant now = clock.instant();
        Optional<Snapshot> snapshot = snapshot();
        if (snapshot.isEmpty()) {
            problem("the crm.events consumer has not started yet");
            return;
        }
        Snapshot known = snapshot.get();
        Optional<Instant> watermark = VertxContextSupport.subscribeAndAwait(() -> progress.publishWatermark(now,
                known.caughtUp(), known.crmPartitions(), known.intakePartitions()));
        if (watermark.isEmpty()) {
            problem("a crm.events partition has no progress yet, so no watermark is published");
        } else {
            if (lastProblem != null) {
                LOG.infof("Publishing the watermark again (%s)", watermark.get());
                lastProblem = null;
            }
            lastPublished = watermark.get();
        }
    }

    /** From every consumer of the crm channel, on its polling thread (the only thread a KafkaConsumer allows). */
    private Optional<Snapshot> snapshot() {
        List<KafkaConsumer<String, byte[]>> consumers = kafka.getConsumers("crm");
        if (consumers == null || consumers.isEmpty()) {
            return Optional.empty();
        }
        Set<Integer> caughtUp = new TreeSet<>();
        int crmPartitions = 0;
        int intakePartitions = 0;
        for (KafkaConsumer<String, byte[]> consumer : consumers) {
            Function<Consumer<String, byte[]>, Snapshot> read = this::snapshot;
            Snapshot one = consumer.runOnPollingThread(read).await().atMost(BROKER_TIMEOUT.multipliedBy(3));
            caughtUp.addAll(one.caughtUp());
            crmPartitions = Math.max(crmPartitions, one.crmPartitions());
            intakePartitions = Math.max(intakePartitions, one.intakePartitions());
        }
        return crmPartitions == 0 || intakePartitions == 0 ? Optional.empty()
                : Optional.of(new Snapshot(caughtUp, crmPartitions, intakePartitions));
    }

    private Snapshot snapshot(Consumer<String, byte[]> consumer) {
        int crmPartitions = consumer.partitionsFor(crmTopic, BROKER_TIMEOUT).size();
        int intakePartitions = consumer.partitionsFor(Topic.INTAKE_EVENTS.topicName(), BROKER_TIMEOUT).size();
        Set<TopicPartition> assigned = consumer.assignment();
        Set<Integer> caughtUp = new TreeSet<>();
        if (!assigned.isEmpty()) {
            Map<TopicPartition, Long> ends = consumer.endOffsets(assigned, BROKER_TIMEOUT);
            Map<TopicPartition, OffsetAndMetadata> committed = new HashMap<>(consumer.committed(assigned, BROKER_TIMEOUT));
            Map<TopicPartition, Long> beginnings = consumer.beginningOffsets(assigned, BROKER_TIMEOUT);
            for (TopicPartition partition : assigned) {
                OffsetAndMetadata done = committed.get(partition);
                long readTo = Math.max(readUpTo.nextOffset(partition.partition()),
                        done != null ? done.offset() : beginnings.getOrDefault(partition, Long.MAX_VALUE));
                if (ends.getOrDefault(partition, Long.MAX_VALUE) <= readTo) {
                    caughtUp.add(partition.partition());
                }
            }
        }
        return new Snapshot(caughtUp, crmPartitions, intakePartitions);
    }

    /** Logged once per kind of problem, so a stalled watermark is seen without flooding the log every interval. */
    private void problem(String problem) {
        if (!problem.equals(lastProblem)) {
            LOG.warnf("Intake's watermark is not advancing: %s (last published: %s)", problem,
                    lastPublished.equals(Instant.MIN) ? "none" : lastPublished);
            lastProblem = problem;
        }
    }
}
