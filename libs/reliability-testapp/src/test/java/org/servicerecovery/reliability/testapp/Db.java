package org.servicerecovery.reliability.testapp;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import org.servicerecovery.localinfra.LocalPostgres;
import org.servicerecovery.testing.SharedInfrastructure;

/** Plain JDBC on the test application's schema, to check outcomes independently of the code under test. */
final class Db {

    private Db() {
    }

    static long count(String sql, Object... params) {
        try (Connection connection = DriverManager.getConnection(
                SharedInfrastructure.get().jdbcUrl() + "?currentSchema=reliability_testapp", LocalPostgres.USER, LocalPostgres.PASSWORD);
             PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                statement.setObject(i + 1, params[i]);
            }
            try (ResultSet result = statement.executeQuery()) {
                result.next();
                return result.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    static int update(String sql, Object... params) {
        try (Connection connection = connect(); PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                statement.setObject(i + 1, params[i]);
            }
            return statement.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    static List<String> texts(String sql, Object... params) {
        try (Connection connection = connect(); PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                statement.setObject(i + 1, params[i]);
            }
            List<String> texts = new ArrayList<>();
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    texts.add(result.getString(1));
                }
            }
            return texts;
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    static Connection connect() throws SQLException {
        return DriverManager.getConnection(SharedInfrastructure.get().jdbcUrl() + "?currentSchema=reliability_testapp",
                LocalPostgres.USER, LocalPostgres.PASSWORD);
    }

    static String text(String sql, Object... params) {
        try (Connection connection = DriverManager.getConnection(
                SharedInfrastructure.get().jdbcUrl() + "?currentSchema=reliability_testapp", LocalPostgres.USER, LocalPostgres.PASSWORD);
             PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                statement.setObject(i + 1, params[i]);
            }
            try (ResultSet result = statement.executeQuery()) {
                return result.next() ? result.getString(1) : null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }
}
