package org.servicerecovery.e2e.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.servicerecovery.localinfra.DevTokens;
import org.servicerecovery.localinfra.KafkaBroker;
import org.servicerecovery.localinfra.KafkaCluster;
import org.servicerecovery.localinfra.LocalPostgres;
import org.servicerecovery.localinfra.TopicCatalogue;
import org.servicerecovery.testing.LoopbackPorts;

/**
 * A Kafka broker (or a three-node cluster) and a durable PostgreSQL (fsync on) of the chaos run's own, in a temporary
 * directory on ports fixed for the whole run: a killed one restarts on the same data and the same address, so clients
 * only see an outage.
 */
final class ChaosInfrastructure implements AutoCloseable {

    private static final Duration KAFKA_READY = Duration.ofSeconds(120);
    // Fewer partitions than production: faster rebalances on a small machine, per-customer order holds all the same.
    private static final int PARTITIONS = 3;

    private final Path root;
    private final boolean clustered;
    private final int kafkaPort = LoopbackPorts.reserve();
    private final int controllerPort = LoopbackPorts.reserve();
    private final int postgresPort = LoopbackPorts.reserve();
    private final AtomicBoolean closed = new AtomicBoolean();
    private KafkaBroker kafka;
    private KafkaCluster cluster;
    private LocalPostgres postgres;

    private ChaosInfrastructure(Path root, boolean clustered) {
        this.root = root;
        this.clustered = clustered;
    }

    /** With a single broker. */
    static ChaosInfrastructure start() throws IOException {
        return start(false);
    }

    /** With a three-node Kafka cluster ({@link KafkaCluster}) if {@code clustered}, else a single broker. */
    static ChaosInfrastructure start(boolean clustered) throws IOException {
        ChaosInfrastructure infrastructure = new ChaosInfrastructure(Files.createTempDirectory("service-recovery-chaos-"),
                clustered);
        // The broker runs in a child JVM and PostgreSQL detached: both outlive an interrupted run unless stopped.
        Runtime.getRuntime().addShutdownHook(new Thread(infrastructure::closeQuietly));
        DevTokens.inDirectory(infrastructure.root.resolve("jwt"));
        CompletableFuture.allOf(CompletableFuture.runAsync(clustered ? infrastructure::startCluster : infrastructure::startKafka),
                CompletableFuture.runAsync(infrastructure::startPostgres)).join();
        TopicCatalogue.ensureTopics(infrastructure.bootstrapServers(), PARTITIONS);
        infrastructure.publishForTestingLibrary();
        return infrastructure;
    }

    String bootstrapServers() {
        return clustered ? cluster.bootstrapServers() : "127.0.0.1:" + kafkaPort;
    }

    /** The three-node cluster of a clustered run. */
    KafkaCluster cluster() {
        if (!clustered) {
            throw new IllegalStateException("this run has a single broker");
        }
        return cluster;
    }

    String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + postgresPort + "/" + LocalPostgres.DATABASE;
    }

    /** A bearer token the services accept, signed by this run's key. */
    String token(String subject, String role, String team) {
        try {
            return DevTokens.inDirectory(root.resolve("jwt")).token(subject, role, team, Duration.ofMinutes(30));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), LocalPostgres.USER, LocalPostgres.PASSWORD);
    }

    void killKafka() {
        killTree(ProcessHandle.of(kafka.pid()).orElseThrow());
        kafka.close(); // the process is gone; this only lets go of it
    }

    void startKafka() {
        try {
            kafka = KafkaBroker.start(root.resolve("kafka"), kafkaPort, controllerPort, KAFKA_READY);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void startCluster() {
        cluster = KafkaCluster.start(root.resolve("kafka"), reserve(KafkaCluster.SIZE), reserve(KafkaCluster.SIZE),
                KAFKA_READY);
    }

    /**
     * The postmaster and every backend at once, like a node loss: killing only the postmaster would leave backends
     * holding the shared memory, and PostgreSQL refuses to start on a data directory whose memory is still in use.
     */
    void killPostgres() throws IOException {
        killTree(LocalPostgres.postmasterPid(postgresData()).flatMap(ProcessHandle::of).orElseThrow());
        // Releases the embedded server's lock on the data directory; its "stop" finds no server and does nothing.
        postgres.close();
    }

    void startPostgres() {
        try {
            postgres = LocalPostgres.start(postgresData(), postgresPort, LocalPostgres.Durability.DURABLE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws IOException {
        if (closed.getAndSet(true)) {
            return;
        }
        if (kafka != null) {
            kafka.close();
        }
        if (cluster != null) {
            cluster.close();
        }
        if (postgres != null) {
            postgres.close();
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    private void closeQuietly() {
        try {
            close();
        } catch (IOException e) {
            System.err.println("chaos infrastructure not cleaned up: " + e);
        }
    }

    private Path postgresData() {
        return root.resolve("postgres");
    }

    /**
     * SharedInfrastructure publishes its endpoints as these system properties and only starts its own servers when
     * they are absent; setting them makes QuarkusProcess configure the services for this infrastructure instead.
     */
    private void publishForTestingLibrary() {
        System.setProperty("sr.test.kafka.bootstrap-servers", bootstrapServers());
        System.setProperty("sr.test.db.jdbc-url", jdbcUrl());
        System.setProperty("sr.test.db.reactive-url", jdbcUrl().substring("jdbc:".length()));
        System.setProperty("sr.test.db.user", LocalPostgres.USER);
        System.setProperty("sr.test.db.password", LocalPostgres.PASSWORD);
        System.setProperty("sr.test.jwt.key-dir", root.resolve("jwt").toString());
    }

    private static List<Integer> reserve(int ports) {
        return IntStream.range(0, ports).mapToObj(i -> LoopbackPorts.reserve()).toList();
    }

    /** SIGKILL to the process and its descendants, then waits until all are gone. */
    private static void killTree(ProcessHandle process) {
        List<ProcessHandle> all = Stream.concat(Stream.of(process), process.descendants()).toList();
        all.forEach(ProcessHandle::destroyForcibly);
        all.forEach(handle -> handle.onExit().join());
    }
}
