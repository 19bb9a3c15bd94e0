package org.servicerecovery.intake.persistence;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;

import org.hibernate.reactive.mutiny.Mutiny;
import org.servicerecovery.events.CloudEvent;
import org.servicerecovery.events.IntakeWatermark;
import org.servicerecovery.events.Topic;
import org.servicerecovery.reliability.outbox.Outbox;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;

/**
 * Intake's progress per crm.events partition ({@code crm_progress}), and the watermark it publishes from it. Rows only
 * move forward, so replicas that each move their own partitions (and a partition moving between them) never set one
 * back.
 */
@ApplicationScoped
public class CrmProgress {

    static final String SOURCE = "urn:service-recovery:intake";

    private final Outbox outbox;

    public CrmProgress(Outbox outbox) {
        this.outbox = outbox;
    }

    /** Moves each partition to the given receipt time (never back). Called after the events before it committed. */
    @WithTransaction
    public Uni<Void> advance(Map<Integer, Instant> receivedUntil) {
        return Panache.getSession().chain(session -> upsert(session, new TreeMap<>(receivedUntil))).replaceWithVoid();
    }

    /**
     * One transaction: moves the {@code caughtUp} partitions to {@code now}, then, if every one of the
     * {@code crmPartitions} has a row, publishes the smallest (never later than {@code now}) on each of the
     * {@code intakePartitions} through the outbox, after every event already committed. Returns the watermark, or
     * empty when a partition has no progress yet.
     */
    @WithTransaction
    public Uni<Optional<Instant>> publishWatermark(Instant now, Collection<Integer> caughtUp, int crmPartitions,
                                                   int intakePartitions) {
        Map<Integer, Instant> toNow = new TreeMap<>();
        caughtUp.forEach(partition -> toNow.put(partition, now));
        return Panache.getSession().chain(session -> upsert(session, toNow)
                .chain(() -> session.createNativeQuery("""
                                SELECT count(*) FILTER (WHERE partition < :partitions),
                                       (extract(epoch FROM min(received_until) FILTER (WHERE partition < :partitions))
                                        * 1000000)::bigint
                                FROM crm_progress""", Object[].class)
                        .setParameter("partitions", crmPartitions)
                        .getSingleResult())
                .chain(row -> {
                    long rows = ((Number) row[0]).longValue();
                    if (rows < crmPartitions || row[1] == null) {
                        return Uni.createFrom().item(Optional.<Instant>empty());
                    }
                    Instant slowest = Instant.EPOCH.plusNanos(((Number) row[1]).longValue() * 1000);
                    Instant watermark = slowest.isAfter(now) ? now : slowest;
                    List<CloudEvent> events = new ArrayList<>(intakePartitions);
                    for (int partition = 0; partition < intakePartitions; partition++) {
                        events.add(IntakeWatermark.event(SOURCE, partition, watermark, intakePartitions, now));
                    }
                    return outbox.publishToPartitions(Topic.INTAKE_EVENTS, events).replaceWith(Optional.of(watermark));
                }));
    }

    private static Uni<Integer> upsert(Mutiny.Session session, Map<Integer, Instant> rows) {
        if (rows.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        return session.createNativeQuery("""
                        INSERT INTO crm_progress (partition, received_until)
                        SELECT p, CAST(t AS timestamptz) FROM unnest(CAST(:partitions AS int[]), CAST(:times AS text[])) AS r(p, t)
                        ON CONFLICT (partition) DO UPDATE SET received_until = excluded.received_until,
                                                              updated_at = clock_timestamp()
                            WHERE crm_progress.received_until < excluded.received_until""")
                .setParameter("partitions", rows.keySet().toArray(Integer[]::new))
                .setParameter("times", rows.values().stream().map(Instant::toString).toArray(String[]::new))
                .executeUpdate();
    }
}
