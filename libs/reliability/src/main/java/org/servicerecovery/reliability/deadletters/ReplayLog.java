package org.servicerecovery.reliability.deadletters;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.agroal.api.AgroalDataSource;

/** The {@code dead_letter_replay} table: what was replayed, where to, when and by whom. */
@ApplicationScoped
public class ReplayLog {

    /** A dead letter's place on its topic. */
    public record Parked(int partition, long offset) {
    }

    public record Entry(String dlqTopic, int dlqPartition, long dlqOffset, Instant deadLetteredAt, String reason,
                        String targetTopic, int targetPartition, long targetOffset, boolean forced, String replayedBy,
                        Instant replayedAt) {
    }

    /** Held while a replay runs; closing it lets the next replay start. */
    public interface Lock extends AutoCloseable {
        @Override
        void close();
    }

    private static final int REASON_CHARS = 2000;

    private final AgroalDataSource dataSource;

    public ReplayLog(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Takes the replay lock of this schema, or throws {@link ReplayRunning}. A transaction-level advisory lock on a
     * connection kept until {@link Lock#close()}: PostgreSQL releases it when the transaction ends or the connection
     * dies, so a crashed replica never blocks replays for good.
     */
    public Lock lock() {
        try {
            Connection connection = dataSource.getConnection();
            try {
                connection.setAutoCommit(false);
                try (Statement statement = connection.createStatement();
                     ResultSet result = statement.executeQuery(
                             "SELECT pg_try_advisory_xact_lock(hashtext(current_schema() || '.dead-letter-replay'))")) {
                    if (!result.next() || !result.getBoolean(1)) {
                        throw new ReplayRunning();
                    }
                }
                return () -> release(connection);
            } catch (RuntimeException | SQLException e) {
                release(connection);
                throw e;
            }
        } catch (SQLException e) {
            throw new DeadLettersUnavailable("the replay log cannot be reached", e);
        }
    }

    /** When each dead letter of {@code dlqTopic} was last replayed. */
    public Map<Parked, Instant> lastReplays(String dlqTopic) {
        Map<Parked, Instant> last = new HashMap<>();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("""
                     SELECT dlq_partition, dlq_offset, max(replayed_at) FROM dead_letter_replay
                     WHERE dlq_topic = ? GROUP BY dlq_partition, dlq_offset""")) {
            select.setString(1, dlqTopic);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    last.put(new Parked(rows.getInt(1), rows.getLong(2)), rows.getTimestamp(3).toInstant());
                }
            }
            return last;
        } catch (SQLException e) {
            throw new DeadLettersUnavailable("the replay log cannot be read", e);
        }
    }

    public void record(List<Entry> entries) {
        if (entries.isEmpty()) {
            return;
        }
        try (Connection connection = dataSource.getConnection();
             PreparedStatement insert = connection.prepareStatement("""
                     INSERT INTO dead_letter_replay (dlq_topic, dlq_partition, dlq_offset, dead_lettered_at, reason,
                         target_topic, target_partition, target_offset, forced, replayed_by, replayed_at)
                     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
            connection.setAutoCommit(true);
            for (Entry entry : entries) {
                insert.setString(1, entry.dlqTopic());
                insert.setInt(2, entry.dlqPartition());
                insert.setLong(3, entry.dlqOffset());
                insert.setTimestamp(4, Timestamp.from(entry.deadLetteredAt()));
                insert.setString(5, storable(entry.reason()));
                insert.setString(6, entry.targetTopic());
                insert.setInt(7, entry.targetPartition());
                insert.setLong(8, entry.targetOffset());
                insert.setBoolean(9, entry.forced());
                insert.setString(10, entry.replayedBy());
                insert.setTimestamp(11, Timestamp.from(entry.replayedAt()));
                insert.addBatch();
            }
            insert.executeBatch();
        } catch (SQLException e) {
            throw new DeadLettersUnavailable("the replay log cannot be written", e);
        }
    }

    /** The latest replays of {@code dlqTopic}, newest first. */
    public List<Entry> recent(String dlqTopic, int limit) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("""
                     SELECT dlq_topic, dlq_partition, dlq_offset, dead_lettered_at, reason, target_topic, target_partition,
                            target_offset, forced, replayed_by, replayed_at
                     FROM dead_letter_replay WHERE dlq_topic = ? ORDER BY replayed_at DESC, id DESC LIMIT ?""")) {
            select.setString(1, dlqTopic);
            select.setInt(2, limit);
            List<Entry> entries = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    entries.add(new Entry(rows.getString(1), rows.getInt(2), rows.getLong(3),
                            rows.getTimestamp(4).toInstant(), rows.getString(5), rows.getString(6), rows.getInt(7),
                            rows.getLong(8), rows.getBoolean(9), rows.getString(10), rows.getTimestamp(11).toInstant()));
                }
            }
            return entries;
        } catch (SQLException e) {
            throw new DeadLettersUnavailable("the replay log cannot be read", e);
        }
    }

    /** PostgreSQL text refuses NUL, which a reason quoting a poison value may contain. */
    private static String storable(String reason) {
        if (reason == null) {
            return null;
        }
        String clean = reason.replace('\u0000', '\uFFFD');
        return clean.length() <= REASON_CHARS ? clean : clean.substring(0, REASON_CHARS) + "…";
    }

    private static void release(Connection connection) {
        try (connection) {
            connection.rollback();
        } catch (SQLException e) {
            // the connection is gone, and with it the lock
        }
    }
}
