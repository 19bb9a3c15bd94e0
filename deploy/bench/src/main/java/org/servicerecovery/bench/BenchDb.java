package org.servicerecovery.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import org.servicerecovery.localinfra.LocalPostgres;

/** JDBC to the benchmark's database, optionally on one service's schema. */
record BenchDb(String jdbcUrl, String schema) {

    Connection connect() throws SQLException {
        String url = jdbcUrl + "?reWriteBatchedInserts=true" + (schema == null ? "" : "&currentSchema=" + schema);
        return DriverManager.getConnection(url, LocalPostgres.USER, LocalPostgres.PASSWORD);
    }

    BenchDb on(String otherSchema) {
        return new BenchDb(jdbcUrl, otherSchema);
    }

    double number(String sql, Object... params) throws SQLException {
        try (Connection connection = connect(); PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                statement.setObject(i + 1, params[i]);
            }
            try (ResultSet result = statement.executeQuery()) {
                result.next();
                return result.getDouble(1);
            }
        }
    }
}
