package org.servicerecovery.bench;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import org.servicerecovery.testing.SharedInfrastructure;

/**
 * PostgreSQL records each transaction's commit instant ({@code pg_xact_commit_timestamp}) only with
 * {@code track_commit_timestamp}, a server-start setting that production does not use: on for the sections that read
 * commit instants, off again afterwards, a restart of the bench's own server each way (no service runs then).
 */
final class CommitTimestamps implements AutoCloseable {

    private final SharedInfrastructure infrastructure;
    private final BenchDb db;

    private CommitTimestamps(SharedInfrastructure infrastructure, BenchDb db) {
        this.infrastructure = infrastructure;
        this.db = db;
    }

    static CommitTimestamps on(SharedInfrastructure infrastructure, BenchDb db) throws SQLException {
        CommitTimestamps tracking = new CommitTimestamps(infrastructure, db);
        tracking.restartWith("ALTER SYSTEM SET track_commit_timestamp = on");
        if (db.number("SELECT CASE WHEN current_setting('track_commit_timestamp') = 'on' THEN 1 ELSE 0 END") != 1) {
            throw new IllegalStateException("track_commit_timestamp did not turn on");
        }
        return tracking;
    }

    @Override
    public void close() throws SQLException {
        restartWith("ALTER SYSTEM RESET track_commit_timestamp");
    }

    private void restartWith(String setting) throws SQLException {
        try (Connection connection = db.connect(); Statement statement = connection.createStatement()) {
            statement.execute(setting);
        }
        infrastructure.stopPostgres().close();
    }
}
