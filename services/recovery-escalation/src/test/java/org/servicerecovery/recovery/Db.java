package org.servicerecovery.recovery;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;

import org.servicerecovery.localinfra.LocalPostgres;
import org.servicerecovery.testing.SharedInfrastructure;

/** Plain JDBC on the service's schema, to set up and check outcomes independently of the code under test. */
final class Db {

    private Db() {
    }

    static long count(String sql, Object... params) {
        String value = text(sql, params);
        return value == null ? 0 : Long.parseLong(value);
    }

    static String text(String sql, Object... params) {
        try (Connection connection = connect(); PreparedStatement statement = prepare(connection, sql, params);
             ResultSet result = statement.executeQuery()) {
            return result.next() ? result.getString(1) : null;
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    static Instant instant(String sql, Object... params) {
        try (Connection connection = connect(); PreparedStatement statement = prepare(connection, sql, params);
             ResultSet result = statement.executeQuery()) {
            return result.next() && result.getTimestamp(1) != null ? result.getTimestamp(1).toInstant() : null;
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    static void update(String sql, Object... params) {
        try (Connection connection = connect(); PreparedStatement statement = prepare(connection, sql, params)) {
            statement.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    private static Connection connect() throws SQLException {
        return DriverManager.getConnection(SharedInfrastructure.get().jdbcUrl() + "?currentSchema=recovery_escalation",
                LocalPostgres.USER, LocalPostgres.PASSWORD);
    }

    private static PreparedStatement prepare(Connection connection, String sql, Object... params) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql);
        for (int i = 0; i < params.length; i++) {
            statement.setObject(i + 1, params[i]);
        }
        return statement;
    }
}
