package org.servicerecovery.reliability.outbox;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;

import org.postgresql.Driver;

import io.agroal.api.AgroalDataSource;
import io.agroal.api.configuration.AgroalConnectionFactoryConfiguration;
import io.agroal.api.security.AgroalSecurityProvider;

/**
 * A PostgreSQL connection of its own, opened with the pool's settings but outside the pool: closing it ends the
 * database session, and with it every session-level lock. A pooled connection would only go back to the pool, lock
 * and all, where nobody releases it.
 */
final class DirectConnection {

    private DirectConnection() {
    }

    static Connection open(AgroalDataSource pool, String schema, String applicationName) throws SQLException {
        AgroalConnectionFactoryConfiguration factory =
                pool.getConfiguration().connectionPoolConfiguration().connectionFactoryConfiguration();
        Properties properties = new Properties();
        properties.putAll(factory.jdbcProperties());
        addSecurityProperties(properties, factory, factory.principal());
        factory.credentials().forEach(credential -> addSecurityProperties(properties, factory, credential));
        properties.setProperty("currentSchema", schema);
        properties.setProperty("ApplicationName", applicationName);
        properties.setProperty("tcpKeepAlive", "true");
        Connection connection = new Driver().connect(factory.jdbcUrl(), properties);
        if (connection == null) {
            throw new SQLException("not a PostgreSQL JDBC URL: " + factory.jdbcUrl());
        }
        return connection;
    }

    /** As Agroal itself turns a principal or credential into driver properties (user, password). */
    private static void addSecurityProperties(Properties properties, AgroalConnectionFactoryConfiguration factory, Object secret) {
        if (secret == null) {
            return;
        }
        for (AgroalSecurityProvider provider : factory.securityProviders()) {
            Properties securityProperties = provider.getSecurityProperties(secret);
            if (securityProperties != null) {
                properties.putAll(securityProperties);
                return;
            }
        }
    }
}
