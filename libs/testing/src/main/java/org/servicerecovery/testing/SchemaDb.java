package org.servicerecovery.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;

/**
 * Plain JDBC on one service's schema of the shared PostgreSQL, to set up and check outcomes independently of the code
 * under test.
 */
public record SchemaDb(String schema) {

    public long count(String sql, Object... params) {
        String value = text(sql, params);
        return value == null ? 0 : Long.parseLong(value);
    }

    public String text(String sql, Object... params) {
        try (Connection connection = connect(); PreparedStatement statement = prepare(connection, sql, params);
             ResultSet result = statement.executeQuery()) {
            return result.next() ? result.getString(1) : null;
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    public Instant instant(String sql, Object... params) {
        try (Connection connection = connect(); PreparedStatement statement = prepare(connection, sql, params);
             ResultSet result = statement.executeQuery()) {
            return result.next() && result.getTimestamp(1) != null ? result.getTimestamp(1).toInstant() : null;
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    public void update(String sql, Object... params) {
        try (Connection connection = connect(); PreparedStatement statement = prepare(connection, sql, params)) {
            statement.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    /** A connection to the schema, for statements the helpers above do not cover. */
    public Connection connect() throws SQLException {
        SharedInfrastructure infrastructure = SharedInfrastructure.get();
        return DriverManager.getConnection(infrastructure.jdbcUrl() + "?currentSchema=" + schema,
                infrastructure.serviceConfig().get("quarkus.datasource.username"),
                infrastructure.serviceConfig().get("quarkus.datasource.password"));
    }

    private static PreparedStatement prepare(Connection connection, String sql, Object... params) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql);
        for (int i = 0; i < params.length; i++) {
            statement.setObject(i + 1, params[i]);
        }
        return statement;
    }
}
