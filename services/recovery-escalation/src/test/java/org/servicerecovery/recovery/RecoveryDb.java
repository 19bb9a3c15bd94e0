package org.servicerecovery.recovery;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

import org.servicerecovery.testing.SchemaDb;
import org.servicerecovery.testing.SharedInfrastructure;

/** The service's schema, for tests that set up or check outcomes with plain SQL. */
public final class RecoveryDb {

    public static final String SCHEMA_NAME = "recovery_escalation";
    public static final SchemaDb SCHEMA = new SchemaDb(SCHEMA_NAME);

    private RecoveryDb() {
    }

    /** A connection of its own with a transaction open, to hold locks the way another writer would. */
    public static Connection transaction() throws SQLException {
        SharedInfrastructure infrastructure = SharedInfrastructure.get();
        Connection connection = DriverManager.getConnection(infrastructure.jdbcUrl() + "?currentSchema=" + SCHEMA_NAME,
                infrastructure.serviceConfig().get("quarkus.datasource.username"),
                infrastructure.serviceConfig().get("quarkus.datasource.password"));
        connection.setAutoCommit(false);
        return connection;
    }
}
