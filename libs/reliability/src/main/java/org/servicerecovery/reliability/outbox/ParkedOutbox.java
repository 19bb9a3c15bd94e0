package org.servicerecovery.reliability.outbox;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.agroal.api.AgroalDataSource;

/** The rows the relay parked ({@code outbox_parked}), for an admin to look at, retry or discard. */
@ApplicationScoped
public class ParkedOutbox {

    public record Parked(long id, String eventId, String topic, String key, String type, Instant createdAt,
                         Instant attemptedAt, String reason, int payloadBytes) {
    }

    public record ParkedWithPayload(Parked parked, String payload) {
    }

    private static final String COLUMNS =
            "id, event_id, topic, message_key, event_type, created_at, attempted_at, reason, octet_length(payload)";

    private final AgroalDataSource dataSource;

    public ParkedOutbox(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Oldest first. */
    public List<Parked> list(int limit) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(
                     "SELECT " + COLUMNS + " FROM outbox_parked ORDER BY id LIMIT ?")) {
            select.setInt(1, limit);
            List<Parked> parked = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    parked.add(parked(rows));
                }
            }
            return parked;
        }
    }

    public long count() throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("SELECT count(*) FROM outbox_parked");
             ResultSet result = select.executeQuery()) {
            result.next();
            return result.getLong(1);
        }
    }

    public Optional<ParkedWithPayload> find(long id) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(
                     "SELECT " + COLUMNS + ", payload FROM outbox_parked WHERE id = ?")) {
            select.setLong(1, id);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? Optional.of(new ParkedWithPayload(parked(row), row.getString(10))) : Optional.empty();
            }
        }
    }

    /**
     * Moves the row back into the outbox, at its end, in one statement: the relay sends it after every row already
     * waiting, so its key's events published since it was parked come before it. Returns the new outbox id.
     */
    public Optional<Long> retry(long id) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement move = connection.prepareStatement("""
                     WITH moved AS (DELETE FROM outbox_parked WHERE id = ?
                                    RETURNING event_id, topic, message_key, event_type, payload, kafka_partition)
                     INSERT INTO outbox (event_id, topic, message_key, event_type, payload, kafka_partition)
                     SELECT event_id, topic, message_key, event_type, payload, kafka_partition FROM moved
                     RETURNING id""")) {
            move.setLong(1, id);
            try (ResultSet inserted = move.executeQuery()) {
                return inserted.next() ? Optional.of(inserted.getLong(1)) : Optional.empty();
            }
        }
    }

    /** False if there was no such row. */
    public boolean discard(long id) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement delete = connection.prepareStatement("DELETE FROM outbox_parked WHERE id = ?")) {
            delete.setLong(1, id);
            return delete.executeUpdate() == 1;
        }
    }

    private static Parked parked(ResultSet row) throws SQLException {
        return new Parked(row.getLong(1), row.getString(2), row.getString(3), row.getString(4), row.getString(5),
                row.getTimestamp(6).toInstant(), row.getTimestamp(7).toInstant(), row.getString(8), row.getInt(9));
    }
}
