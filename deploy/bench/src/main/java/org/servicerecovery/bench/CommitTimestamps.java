package org.servicerecovery.bench;

import java.sql.SQLException;

import org.servicerecovery.testing.SharedInfrastructure;

/**
 * PostgreSQL records each transaction's commit instant ({@code pg_xact_commit_timestamp}) only with
 * {@code track_commit_timestamp} ({@link ServerSetting}): on for the sections that read commit instants.
 */
final class CommitTimestamps {

    private CommitTimestamps() {
    }

    static ServerSetting on(SharedInfrastructure infrastructure, BenchDb db) throws SQLException {
        ServerSetting tracking = ServerSetting.set(infrastructure, db, "track_commit_timestamp", "on");
        if (db.number("SELECT CASE WHEN current_setting('track_commit_timestamp') = 'on' THEN 1 ELSE 0 END") != 1) {
            tracking.close();
            throw new IllegalStateException("track_commit_timestamp did not turn on");
        }
        return tracking;
    }
}
