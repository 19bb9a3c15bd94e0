package org.servicerecovery.bench;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import org.servicerecovery.testing.SharedInfrastructure;

/**
 * A server-start setting of the bench's own PostgreSQL that production does not use, on for some sections only: a
 * restart of the server each way, taken while no service runs.
 */
final class ServerSetting implements AutoCloseable {

    private final SharedInfrastructure infrastructure;
    private final BenchDb db;
    private final String name;

    private ServerSetting(SharedInfrastructure infrastructure, BenchDb db, String name) {
        this.infrastructure = infrastructure;
        this.db = db;
        this.name = name;
    }

    /** {@code value} as SQL, e.g. {@code on} or {@code 'pg_stat_statements'}. */
    static ServerSetting set(SharedInfrastructure infrastructure, BenchDb db, String name, String value) throws SQLException {
        ServerSetting setting = new ServerSetting(infrastructure, db, name);
        setting.restartWith("ALTER SYSTEM SET " + name + " = " + value);
        return setting;
    }

    @Override
    public void close() throws SQLException {
        restartWith("ALTER SYSTEM RESET " + name);
    }

    private void restartWith(String statementText) throws SQLException {
        try (Connection connection = db.connect(); Statement statement = connection.createStatement()) {
            statement.execute(statementText);
        }
        infrastructure.stopPostgres().close();
    }
}
