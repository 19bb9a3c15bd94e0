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
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.servicerecovery.events.Topic;
import org.servicerecovery.intake.IntakeConfig;
import org.servicerecovery.intake.persistence.CrmProgress;
import org.servicerecovery.reliability.Periodic;
import org.servicerecovery.servicekit.KafkaClientSettings;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.VertxContextSupport;

/**
 * Publishes intake's watermark on every partition of intake.events, every {@code intake.watermark.interval}: the
 * smallest progress over all crm.events partitions ({@link CrmProgress}). A partition this replica's consumer has
 * read to its end (its end offset reached by what was processed) is moved to "now" first, so an
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

    private final Admin admin;
    private final CrmProgress progress;
    private final CrmReadUpTo readUpTo;
    private final Clock clock;
    private final Duration interval;
    private final String crmTopic;
    private volatile boolean running;
    private ScheduledExecutorService publisher;
    private Instant lastPublished = Instant.MIN;
    private String lastProblem;

    private final String groupId;

    public WatermarkPublisher(CrmProgress progress, CrmReadUpTo readUpTo, Clock clock, IntakeConfig config,
                              KafkaClientSettings kafka,
                              @ConfigProperty(name = "mp.messaging.incoming.crm.topic") String crmTopic,
                              @ConfigProperty(name = "mp.messaging.incoming.crm.group.id") String groupId) {
        this.admin = Admin.create(kafka.admin(Map.of(AdminClientConfig.CLIENT_ID_CONFIG, "intake-watermark")));
        this.progress = progress;
        this.readUpTo = readUpTo;
        this.clock = clock;
        this.interval = config.watermark().interval();
        this.crmTopic = crmTopic;
        this.groupId = groupId;
    }

    void start(@Observes StartupEvent startup) {
        running = true;
        publisher = Periodic.start("intake-watermark", this::publish, interval);
    }

    void stop(@Observes ShutdownEvent shutdown) throws InterruptedException {
        running = false;
        if (publisher != null) {
            publisher.shutdownNow();
            publisher.awaitTermination(BROKER_TIMEOUT.plusSeconds(1).toMillis(), TimeUnit.MILLISECONDS);
        }
        admin.close(BROKER_TIMEOUT);
    }

    private void publish() {
        try {
            publishOnce();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable e) {
            // caught, or the executor would silently skip every later round
            if (running) {
                problem(e.toString());
            }
        }
    }

    private void publishOnce() throws Throwable {
        Instant now = clock.instant();
        Snapshot known = snapshot();
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

    /**
     * Asked of the broker with an admin client rather than of the consumer, whose polling thread would take a task only
     * between two polls (up to a second): the end offsets of crm.events, and how far intake's consumer group has
     * committed. A partition is read to its end when its end offset is reached by what this replica processed or by
     * what the group committed (processed too, on any replica).
     */
    private Snapshot snapshot() throws Exception {
        String intakeTopic = Topic.INTAKE_EVENTS.topicName();
        Map<String, TopicDescription> topics = admin.describeTopics(List.of(crmTopic, intakeTopic)).allTopicNames()
                .get(BROKER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        int crmPartitions = topics.get(crmTopic).partitions().size();
        int intakePartitions = topics.get(intakeTopic).partitions().size();
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
        for (int partition = 0; partition < crmPartitions; partition++) {
            latest.put(new TopicPartition(crmTopic, partition), OffsetSpec.latest());
            earliest.put(new TopicPartition(crmTopic, partition), OffsetSpec.earliest());
        }
        var ends = admin.listOffsets(latest).all().get(BROKER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        var beginnings = admin.listOffsets(earliest).all().get(BROKER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(groupId)
                .partitionsToOffsetAndMetadata().get(BROKER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        Set<Integer> caughtUp = new TreeSet<>();
        for (TopicPartition partition : latest.keySet()) {
            OffsetAndMetadata done = committed.get(partition);
            long readTo = Math.max(readUpTo.nextOffset(partition.partition()),
                    done != null ? done.offset() : beginnings.get(partition).offset());
            if (ends.get(partition).offset() <= readTo) {
                caughtUp.add(partition.partition());
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
