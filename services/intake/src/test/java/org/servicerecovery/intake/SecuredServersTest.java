package org.servicerecovery.intake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.servicerecovery.localinfra.ThrowawayCa;
import org.servicerecovery.testing.SecuredServers;

import io.vertx.core.Vertx;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.pgclient.SslMode;

/**
 * The secured servers refuse what a production broker and database refuse: a client that does not authenticate, one
 * with the wrong password, one that does not speak TLS, and one that does not trust the server's certificate. Plain
 * clients, no service: what the services are configured with is proven in {@link SecuredIntakeTest}.
 */
class SecuredServersTest {

    private final SecuredServers servers = SecuredServers.get();

    @Test
    void theSaslSslListenerTakesAuthenticatedTlsClientsOnly() throws Exception {
        assertEquals(1, nodes(servers.testClientSettings()), "the test client authenticates over TLS");

        Map<String, Object> plaintext = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers.kafkaBootstrapServers());
        assertInstanceOf(org.apache.kafka.common.errors.TimeoutException.class, failure(plaintext),
                "a PLAINTEXT client gets no answer from the SASL_SSL listener");

        Map<String, Object> tlsWithoutSasl = new HashMap<>(servers.testClientSettings());
        tlsWithoutSasl.put("security.protocol", "SSL");
        assertInstanceOf(org.apache.kafka.common.errors.TimeoutException.class, failure(tlsWithoutSasl),
                "TLS without SASL gets no answer either");

        Map<String, Object> wrongPassword = new HashMap<>(servers.kafkaClientSettings(SecuredServers.TEST_CLIENT, "wrong"));
        Throwable refused = failure(wrongPassword);
        assertInstanceOf(SaslAuthenticationException.class, refused);
        assertTrue(refused.getMessage().contains("invalid credentials"), refused.getMessage());

        Map<String, Object> strangerCa = new HashMap<>(servers.testClientSettings());
        strangerCa.put("ssl.truststore.location", strangerCa().toString());
        assertInstanceOf(SslAuthenticationException.class, failure(strangerCa),
                "a client that does not trust the broker's certificate does not talk to it");
    }

    @Test
    void thePostgresqlServerTakesTlsConnectionsWithThePasswordOnly() throws Exception {
        try (Connection connection = DriverManager.getConnection(servers.jdbcUrl(), servers.databaseUser(),
                servers.databasePassword());
             ResultSet ssl = connection.createStatement().executeQuery("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")) {
            assertTrue(ssl.next() && ssl.getBoolean(1), "the connection is encrypted");
        }
        String withoutTls = servers.jdbcUrl().replace("sslmode=verify-full", "sslmode=disable");
        assertTrue(refusal(withoutTls, servers.databasePassword()).contains("no encryption"));
        assertTrue(refusal(servers.jdbcUrl(), "wrong").contains("password authentication failed"));

        String caNotTrusted = servers.jdbcUrl().replace(servers.caCertificatePem().toString(), strangerCa().toString());
        String message = refusal(caNotTrusted, servers.databasePassword());
        assertTrue(message.contains("SSL error") || message.contains("PKIX"), message);
    }

    /** The reactive client, as Quarkus configures it from quarkus.datasource.reactive.* with another CA's certificate. */
    @Test
    void theReactiveClientRefusesAServerItsCaDoesNotVouchFor() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            PgConnectOptions options = PgConnectOptions.fromUri(servers.reactiveUrl())
                    .setUser(servers.databaseUser()).setPassword(servers.databasePassword())
                    .setSslMode(SslMode.VERIFY_FULL).setHostnameVerificationAlgorithm("HTTPS")
                    .setPemTrustOptions(new PemTrustOptions().addCertPath(strangerCa().toString()));
            ExecutionException refused = assertThrows(ExecutionException.class, () -> PgConnection.connect(vertx, options)
                    .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS));
            assertTrue(String.valueOf(refused.getCause()).contains("SSL") || String.valueOf(refused.getCause()).contains("PKIX"),
                    String.valueOf(refused.getCause()));

            options.setPemTrustOptions(new PemTrustOptions().addCertPath(servers.caCertificatePem().toString()));
            PgConnection.connect(vertx, options).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS).close();
        } finally {
            vertx.close();
        }
    }

    private static int nodes(Map<String, Object> settings) throws Exception {
        return nodes(settings, 20_000);
    }

    /** A client that gets no answer at all fails after a few seconds; one the broker refuses fails at once. */
    private static Throwable failure(Map<String, Object> settings) {
        ExecutionException failed = assertThrows(ExecutionException.class, () -> nodes(settings, 4_000));
        return failed.getCause();
    }

    private static int nodes(Map<String, Object> settings, int timeoutMs) throws Exception {
        Map<String, Object> all = new HashMap<>(settings);
        all.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeoutMs);
        all.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMs);
        all.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500);
        try (Admin admin = Admin.create(all)) {
            return admin.describeCluster(new DescribeClusterOptions().timeoutMs(timeoutMs)).nodes()
                    .get(timeoutMs + 5_000L, TimeUnit.MILLISECONDS).size();
        }
    }

    private static String refusal(String url, String password) {
        SQLException refused = assertThrows(SQLException.class,
                () -> DriverManager.getConnection(url, "postgres", password).close());
        return refused.getMessage() + " / " + refused.getCause();
    }

    private static Path strangerCaDir;

    /** Another throwaway CA's certificate: a server it did not sign is not vouched for. */
    private static synchronized Path strangerCa() throws Exception {
        if (strangerCaDir == null) {
            strangerCaDir = Files.createTempDirectory("stranger-ca");
            ThrowawayCa.create(strangerCaDir, "a CA nobody here trusts");
        }
        return strangerCaDir.resolve("ca.pem");
    }

    @AfterAll
    static void deleteStrangerCa() throws Exception {
        if (strangerCaDir != null) {
            try (var paths = Files.walk(strangerCaDir)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }
}
