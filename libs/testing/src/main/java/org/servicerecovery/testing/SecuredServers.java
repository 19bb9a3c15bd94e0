package org.servicerecovery.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import org.servicerecovery.localinfra.KafkaBroker;
import org.servicerecovery.localinfra.LocalPostgres;
import org.servicerecovery.localinfra.ThrowawayCa;
import org.servicerecovery.localinfra.TopicCatalogue;

/**
 * A Kafka broker with a SASL_SSL listener (SCRAM-SHA-512) and a PostgreSQL that takes TLS connections with a password
 * only, both with certificates from a CA made for this test JVM: the infrastructure of a production deployment, on
 * loopback. Started once per JVM on first use, beside {@link SharedInfrastructure}'s plain servers; like those, found
 * through system properties from every class loader.
 */
public final class SecuredServers {

    private static final String PREFIX = "sr.test.secured.";
    private static final String KAFKA = PREFIX + "kafka.sasl-ssl";
    private static final String KAFKA_PLAINTEXT = PREFIX + "kafka.plaintext";
    private static final String CA = PREFIX + "ca";
    private static final String JDBC_URL = PREFIX + "db.jdbc-url";
    private static final String REACTIVE_URL = PREFIX + "db.reactive-url";
    private static final String DB_PASSWORD = PREFIX + "db.password";
    private static final String USER_PASSWORD = PREFIX + "kafka.user.";
    /** The SCRAM user of the tests' own clients, standing for a CRM or another service. */
    public static final String TEST_CLIENT = "test-client";
    private static final int TEST_PARTITIONS = 3;

    private SecuredServers() {
    }

    public static synchronized SecuredServers get() {
        if (System.getProperty(KAFKA) == null) {
            start();
        }
        return new SecuredServers();
    }

    /** The SASL_SSL listener: the only one services and clients are given. */
    public String kafkaBootstrapServers() {
        return System.getProperty(KAFKA);
    }

    /** The operator's PLAINTEXT listener, for administration the services never do (topics, SCRAM credentials). */
    public String operatorBootstrapServers() {
        return System.getProperty(KAFKA_PLAINTEXT);
    }

    /** The throwaway CA's certificate (PEM), which clients trust for both servers. */
    public Path caCertificatePem() {
        return Path.of(System.getProperty(CA));
    }

    /**
     * The client settings a deployment gives for {@code user} (names as in {@code kafka.*} / a Kafka client's
     * configuration): bootstrap servers, SASL_SSL with SCRAM-SHA-512, and a PEM trust store holding the CA.
     */
    public Map<String, String> kafkaClientSettings(String user, String password) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("bootstrap.servers", kafkaBootstrapServers());
        settings.put("security.protocol", "SASL_SSL");
        settings.put("sasl.mechanism", KafkaBroker.SASL_MECHANISM);
        settings.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                + user + "\" password=\"" + password + "\";");
        settings.put("ssl.truststore.type", "PEM");
        settings.put("ssl.truststore.location", caCertificatePem().toString());
        return settings;
    }

    /** The settings of the tests' own Kafka clients, as {@link #TEST_CLIENT}. */
    public Map<String, Object> testClientSettings() {
        return Map.copyOf(kafkaClientSettings(TEST_CLIENT, password(TEST_CLIENT)));
    }

    /** The password {@code user} was given (a Secret's value); created with a fresh password on first use. */
    public synchronized String password(String user) {
        String password = System.getProperty(USER_PASSWORD + user);
        if (password == null) {
            password = UUID.randomUUID().toString();
            setBrokerPassword(user, password);
            System.setProperty(USER_PASSWORD + user, password);
        }
        return password;
    }

    /** Sets the password the broker holds for {@code user}, as a user operator does, whatever the user was given. */
    public void setBrokerPassword(String user, String password) {
        KafkaBroker.upsertScramUser(operatorBootstrapServers(), user, password);
    }

    /** JDBC with {@code sslmode=verify-full} and the CA certificate. */
    public String jdbcUrl() {
        return System.getProperty(JDBC_URL);
    }

    public String reactiveUrl() {
        return System.getProperty(REACTIVE_URL);
    }

    public String databaseUser() {
        return LocalPostgres.USER;
    }

    public String databasePassword() {
        return System.getProperty(DB_PASSWORD);
    }

    /** A connection to {@code schema} as the services make one, for tests that check outcomes with plain SQL. */
    public Connection connect(String schema) throws SQLException {
        return DriverManager.getConnection(jdbcUrl() + "&currentSchema=" + schema, databaseUser(), databasePassword());
    }

    private static void start() {
        try {
            Path root = Files.createTempDirectory("service-recovery-secured-");
            ThrowawayCa ca = ThrowawayCa.create(root.resolve("ca"), "service-recovery throwaway test CA");
            ThrowawayCa.ServerCertificate certificate = ca.issueServerCertificate("localhost", ThrowawayCa.LOOPBACK_NAMES);
            int plaintextPort = LoopbackPorts.reserve();
            int saslSslPort = LoopbackPorts.reserve();
            int controllerPort = LoopbackPorts.reserve();
            int postgresPort = LoopbackPorts.reserve();
            String testClientPassword = UUID.randomUUID().toString();
            String databasePassword = UUID.randomUUID().toString();
            CompletableFuture<KafkaBroker> kafka = CompletableFuture.supplyAsync(() -> SharedInfrastructure.uncheck(() ->
                    KafkaBroker.startSecured(root.resolve("kafka"), plaintextPort, controllerPort,
                            new KafkaBroker.SaslSsl(saslSslPort, certificate, Map.of(TEST_CLIENT, testClientPassword)),
                            Duration.ofSeconds(60))));
            CompletableFuture<LocalPostgres> postgres = CompletableFuture.supplyAsync(() -> SharedInfrastructure.uncheck(() ->
                    LocalPostgres.startSecured(root.resolve("postgres"), postgresPort, LocalPostgres.Durability.FAST_FOR_TESTS,
                            new LocalPostgres.Secured(certificate, ca.certificatePem(), databasePassword))));
            KafkaBroker broker = kafka.join();
            LocalPostgres database = postgres.join();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                broker.close();
                SharedInfrastructure.uncheck(() -> {
                    database.close();
                    try (var paths = Files.walk(root)) {
                        paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
                    }
                    return null;
                });
            }));
            TopicCatalogue.ensureTopics(broker.bootstrapServers(), TEST_PARTITIONS);
            System.setProperty(KAFKA_PLAINTEXT, broker.bootstrapServers());
            System.setProperty(CA, ca.certificatePem().toString());
            System.setProperty(JDBC_URL, database.jdbcUrl());
            System.setProperty(REACTIVE_URL, database.reactiveUrl());
            System.setProperty(DB_PASSWORD, database.password());
            System.setProperty(USER_PASSWORD + TEST_CLIENT, testClientPassword);
            System.setProperty(KAFKA, broker.saslSslBootstrapServers());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

}
