package org.servicerecovery.testing;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * The Quarkus test resource that runs a service against {@link SecuredServers}, given only what a production
 * deployment sets: the SASL_SSL listener with the service's SCRAM user and a PEM trust store ({@code kafka.*}), and the
 * database over TLS with {@code verify-full} and a password. Use it from a test profile that disables the global
 * {@link RealInfrastructure}.
 * <p>
 * Init arguments: {@code kafka-user}, the SCRAM user the service authenticates as (required); {@code broker-password}
 * {@code = stale}: the broker holds another password for that user than the service is given, as after a secret
 * rotated on one side only, until the test sets it with {@link SecuredServers#setBrokerPassword}.
 */
public class SecuredInfrastructure implements QuarkusTestResourceLifecycleManager {

    private String user;
    private boolean stalePassword;

    @Override
    public void init(Map<String, String> initArgs) {
        user = initArgs.get("kafka-user");
        if (user == null) {
            throw new IllegalArgumentException("SecuredInfrastructure needs the init argument kafka-user");
        }
        stalePassword = "stale".equals(initArgs.get("broker-password"));
    }

    @Override
    public Map<String, String> start() {
        SecuredServers servers = SecuredServers.get();
        String password = servers.password(user);
        if (stalePassword) {
            servers.setBrokerPassword(user, UUID.randomUUID().toString());
        }
        Map<String, String> config = new HashMap<>();
        servers.kafkaClientSettings(user, password).forEach((name, value) -> config.put("kafka." + name, value));
        String ca = servers.caCertificatePem().toString();
        config.put("quarkus.datasource.jdbc.url", servers.jdbcUrl());
        config.put("quarkus.datasource.reactive.url", servers.reactiveUrl());
        config.put("quarkus.datasource.reactive.postgresql.ssl-mode", "verify-full");
        config.put("quarkus.datasource.reactive.hostname-verification-algorithm", "HTTPS");
        config.put("quarkus.datasource.reactive.trust-certificate-pem", "true");
        config.put("quarkus.datasource.reactive.trust-certificate-pem.certs", ca);
        config.put("quarkus.datasource.username", servers.databaseUser());
        config.put("quarkus.datasource.password", servers.databasePassword());
        Map<String, String> plain = SharedInfrastructure.get().serviceConfig();
        config.put("mp.jwt.verify.publickey.location", plain.get("mp.jwt.verify.publickey.location"));
        config.put("mp.jwt.verify.audiences", plain.get("mp.jwt.verify.audiences"));
        return config;
    }

    @Override
    public void stop() {
        // Shared by every application started in this JVM; stopped by a shutdown hook when the JVM ends.
    }
}
