package org.servicerecovery.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

import org.servicerecovery.localinfra.DevTokens;
import org.servicerecovery.localinfra.KafkaBroker;
import org.servicerecovery.localinfra.LocalPostgres;
import org.servicerecovery.localinfra.TopicCatalogue;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * One Kafka and one PostgreSQL per test JVM. Quarkus may load test classes and test resources in different class
 * loaders, so the endpoints are published as system properties, which every loader sees, instead of static fields.
 * Mode: system property or environment {@code SR_TEST_INFRA} = {@code auto} (default: containers when Docker answers),
 * {@code embedded} or {@code containers}. Benchmarks set {@code sr.infra.durable=true} to measure with production
 * durability (fsync, synchronous commit).
 */
public final class SharedInfrastructure {

    static final String KAFKA = "sr.test.kafka.bootstrap-servers";
    static final String JDBC_URL = "sr.test.db.jdbc-url";
    static final String REACTIVE_URL = "sr.test.db.reactive-url";
    static final String DB_USER = "sr.test.db.user";
    static final String DB_PASSWORD = "sr.test.db.password";
    static final String KEY_DIR = "sr.test.jwt.key-dir";
    // The embedded broker, for killKafka() from whichever class loader a test runs in.
    static final String KAFKA_DATA_DIR = "sr.test.kafka.data-dir";
    static final String KAFKA_PORTS = "sr.test.kafka.ports";
    static final String KAFKA_PID = "sr.test.kafka.pid";
    private static final int TEST_PARTITIONS = 3;

    /** The embedded database, when this class loader started it, so that a test can take it away and back. */
    private static final class Embedded {
        final Path root;
        final int postgresPort;
        final LocalPostgres.Durability durability;
        volatile LocalPostgres database;

        Embedded(Path root, int postgresPort, LocalPostgres.Durability durability, LocalPostgres database) {
            this.root = root;
            this.postgresPort = postgresPort;
            this.durability = durability;
            this.database = database;
        }
    }

    private static Embedded embedded;

    private SharedInfrastructure() {
    }

    public static synchronized SharedInfrastructure get() {
        if (System.getProperty(KAFKA) == null) {
            start();
        }
        return new SharedInfrastructure();
    }

    /**
     * The folder of the test JVM's token-signing key pair ({@link DevTokens}), created on first use without starting
     * any server: services under test trust its public half, {@link TestTokens} sign with the private one.
     */
    public static synchronized Path signingKeyDir() {
        String dir = System.getProperty(KEY_DIR);
        if (dir == null) {
            Path keyDir = uncheck(() -> Files.createTempDirectory("service-recovery-jwt-"));
            uncheck(() -> DevTokens.inDirectory(keyDir));
            System.setProperty(KEY_DIR, keyDir.toString());
            Runtime.getRuntime().addShutdownHook(new Thread(() -> uncheck(() -> {
                deleteRecursively(keyDir);
                return null;
            })));
            return keyDir;
        }
        return Path.of(dir);
    }

    public Map<String, String> serviceConfig() {
        Map<String, String> config = new HashMap<>();
        config.put("kafka.bootstrap.servers", System.getProperty(KAFKA));
        config.put("quarkus.datasource.jdbc.url", System.getProperty(JDBC_URL));
        config.put("quarkus.datasource.reactive.url", System.getProperty(REACTIVE_URL));
        config.put("quarkus.datasource.username", System.getProperty(DB_USER));
        config.put("quarkus.datasource.password", System.getProperty(DB_PASSWORD));
        config.put("mp.jwt.verify.publickey.location",
                Path.of(System.getProperty(KEY_DIR), DevTokens.PUBLIC_KEY_FILE).toUri().toString());
        // Tests run as production should: tokens for another audience are refused.
        config.put("mp.jwt.verify.audiences", DevTokens.AUDIENCE);
        return config;
    }

    public String kafkaBootstrapServers() {
        return System.getProperty(KAFKA);
    }

    public String jdbcUrl() {
        return System.getProperty(JDBC_URL);
    }

    /** The embedded broker's process (the current one, if a test restarted it), e.g. to read its CPU time from /proc. */
    public OptionalLong kafkaPid() {
        String pid = System.getProperty(KAFKA_PID);
        return pid == null ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(pid));
    }

    /** A server taken away; closing it starts the server again on the same port and data, and waits until it answers. */
    public interface Outage extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Kills the broker with SIGKILL, like a crashed pod, until the outage is closed. Embedded infrastructure only; from
     * any class loader of this JVM (the broker is found through system properties), so a {@code @QuarkusTest} may take
     * the broker away from its own application too.
     */
    public Outage killKafka() {
        String dataDir = System.getProperty(KAFKA_DATA_DIR);
        if (dataDir == null) {
            throw new IllegalStateException("no embedded Kafka was started in this JVM");
        }
        ProcessHandle.of(Long.parseLong(System.getProperty(KAFKA_PID))).ifPresent(broker -> {
            broker.destroyForcibly();
            broker.onExit().join();
        });
        String[] ports = System.getProperty(KAFKA_PORTS).split(",");
        return () -> {
            KafkaBroker broker = uncheck(() -> KafkaBroker.start(Path.of(dataDir), Integer.parseInt(ports[0]),
                    Integer.parseInt(ports[1]), Duration.ofSeconds(60)));
            System.setProperty(KAFKA_PID, String.valueOf(broker.pid()));
        };
    }

    /**
     * Stops PostgreSQL with a fast shutdown until the outage is closed: every session ends and open transactions roll
     * back, as in a restart or failover. Not SIGKILL: the test database runs without fsync, and a killed server
     * could lose commits it acknowledged. Embedded infrastructure only, and only from the class loader that started
     * it: a failsafe test that starts the services as processes, not a {@code @QuarkusTest}, whose application shares
     * the database.
     */
    public Outage stopPostgres() {
        Embedded servers = embedded();
        uncheck(() -> {
            servers.database.close();
            return null;
        });
        return () -> servers.database = uncheck(() -> LocalPostgres.start(servers.root.resolve("postgres"),
                servers.postgresPort, servers.durability));
    }

    private static Embedded embedded() {
        if (embedded == null) {
            throw new IllegalStateException("no embedded PostgreSQL was started by this class loader");
        }
        return embedded;
    }

    private static void start() {
        try {
            Path root = Files.createTempDirectory("service-recovery-test-");
            signingKeyDir();
            if (useContainers()) {
                startContainers();
            } else {
                startEmbedded(root);
            }
            TopicCatalogue.ensureTopics(System.getProperty(KAFKA), TEST_PARTITIONS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean useContainers() {
        String mode = System.getProperty("SR_TEST_INFRA", System.getenv().getOrDefault("SR_TEST_INFRA", "auto"));
        return switch (mode) {
            case "embedded" -> false;
            case "containers" -> true;
            // Asking Testcontainers when no engine can exist only fills the log with errors.
            default -> (System.getenv("DOCKER_HOST") != null || Files.exists(Path.of("/var/run/docker.sock")))
                    && DockerClientFactory.instance().isDockerAvailable();
        };
    }

    private static void startEmbedded(Path root) {
        int kafkaPort = freePort();
        int controllerPort = freePort();
        int postgresPort = freePort();
        LocalPostgres.Durability durability = Boolean.getBoolean("sr.infra.durable")
                ? LocalPostgres.Durability.DURABLE : LocalPostgres.Durability.FAST_FOR_TESTS;
        // Both take seconds to boot; start them side by side.
        CompletableFuture<KafkaBroker> kafka = CompletableFuture.supplyAsync(() -> uncheck(() ->
                KafkaBroker.start(root.resolve("kafka"), kafkaPort, controllerPort, Duration.ofSeconds(60))));
        CompletableFuture<LocalPostgres> postgres = CompletableFuture.supplyAsync(() -> uncheck(() ->
                LocalPostgres.start(root.resolve("postgres"), postgresPort, durability)));
        KafkaBroker broker = kafka.join();
        embedded = new Embedded(root, postgresPort, durability, postgres.join());
        System.setProperty(KAFKA_DATA_DIR, root.resolve("kafka").toString());
        System.setProperty(KAFKA_PORTS, kafkaPort + "," + controllerPort);
        System.setProperty(KAFKA_PID, String.valueOf(broker.pid()));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            broker.close();
            // the broker a test restarted, if any
            ProcessHandle.of(Long.parseLong(System.getProperty(KAFKA_PID))).ifPresent(restarted -> {
                restarted.destroyForcibly();
                restarted.onExit().join();
            });
            uncheck(() -> {
                embedded.database.close();
                deleteRecursively(root);
                return null;
            });
        }));
        System.setProperty(KAFKA, broker.bootstrapServers());
        System.setProperty(JDBC_URL, embedded.database.jdbcUrl());
        System.setProperty(REACTIVE_URL, embedded.database.reactiveUrl());
        System.setProperty(DB_USER, LocalPostgres.USER);
        System.setProperty(DB_PASSWORD, LocalPostgres.PASSWORD);
    }

    @SuppressWarnings("resource") // stopped by Testcontainers' own reaper when the JVM ends
    private static void startContainers() {
        KafkaContainer kafka = new KafkaContainer("apache/kafka:4.1.1");
        PostgreSQLContainer postgres = new PostgreSQLContainer("postgres:17-alpine").withDatabaseName(LocalPostgres.DATABASE);
        CompletableFuture.allOf(CompletableFuture.runAsync(kafka::start), CompletableFuture.runAsync(postgres::start)).join();
        System.setProperty(KAFKA, kafka.getBootstrapServers());
        System.setProperty(JDBC_URL, postgres.getJdbcUrl());
        System.setProperty(REACTIVE_URL, postgres.getJdbcUrl().substring("jdbc:".length()));
        System.setProperty(DB_USER, postgres.getUsername());
        System.setProperty(DB_PASSWORD, postgres.getPassword());
    }

    private static void deleteRecursively(Path root) throws IOException {
        try (var paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    static int freePort() {
        return LoopbackPorts.reserve();
    }

    interface IoSupplier<T> {
        T get() throws IOException;
    }

    static <T> T uncheck(IoSupplier<T> supplier) {
        try {
            return supplier.get();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
