package org.servicerecovery.reliability.watermark;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;

import org.servicerecovery.events.IntakeWatermark;
import org.servicerecovery.reliability.InTransaction;

import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;

/**
 * The watermarks ({@link IntakeWatermark}) a service has read, per input partition, in {@code input_watermark}: each
 * row only ever moves forward. A consumer stores what it read after the events before it in the partition committed,
 * so a stored watermark never runs ahead of the events it covers.
 */
@ApplicationScoped
public class InputWatermarks {

    /** A watermark record read on one partition. */
    public record Seen(String topic, int partition, Instant watermark, int partitions) {
    }

    private record Partition(String topic, int partition) implements Comparable<Partition> {
        @Override
        public int compareTo(Partition other) {
            int byTopic = topic.compareTo(other.topic);
            return byTopic != 0 ? byTopic : Integer.compare(partition, other.partition);
        }
    }

    /**
     * The service's watermark on {@code topic} as an SQL scalar sub-select: the smallest over the topic's partitions,
     * NULL until every partition the records name has a row. Timer claims compare against it in the same statement.
     */
    public static String sqlOf(String topic) {
        return "(SELECT CASE WHEN count(*) >= max(partitions) THEN min(watermark) END FROM input_watermark WHERE topic = "
                + literal(topic) + ")";
    }

    static String literal(String text) {
        return "'" + text.replace("'", "''") + "'";
    }

    /** Stores the largest watermark read per partition, in one statement, in partition order. */
    @WithTransaction
    public Uni<Void> advance(Collection<Seen> seen) {
        Map<Partition, Seen> latest = new TreeMap<>();
        for (Seen one : seen) {
            latest.merge(new Partition(one.topic(), one.partition()), one,
                    (a, b) -> a.watermark().isAfter(b.watermark()) ? a : b);
        }
        List<Seen> rows = List.copyOf(latest.values());
        return InTransaction.session("InputWatermarks").chain(session -> session.createNativeQuery("""
                        INSERT INTO input_watermark (topic, partition, watermark, partitions)
                        SELECT t, p, CAST(w AS timestamptz), n
                        FROM unnest(CAST(:topics AS text[]), CAST(:partitions AS int[]), CAST(:watermarks AS text[]),
                                    CAST(:counts AS int[])) AS s(t, p, w, n)
                        ON CONFLICT (topic, partition) DO UPDATE
                            SET watermark = excluded.watermark, partitions = excluded.partitions, updated_at = clock_timestamp()
                            WHERE input_watermark.watermark < excluded.watermark""")
                .setParameter("topics", rows.stream().map(Seen::topic).toArray(String[]::new))
                .setParameter("partitions", rows.stream().map(Seen::partition).toArray(Integer[]::new))
                .setParameter("watermarks", rows.stream().map(row -> row.watermark().toString()).toArray(String[]::new))
                .setParameter("counts", rows.stream().map(Seen::partitions).toArray(Integer[]::new))
                .executeUpdate())
                .replaceWithVoid();
    }
}
