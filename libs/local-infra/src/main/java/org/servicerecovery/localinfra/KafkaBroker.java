package org.servicerecovery.localinfra;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.Uuid;

/**
 * A real Apache Kafka node (KRaft, broker and controller in one) in its own JVM, bound to 127.0.0.1: a single-node
 * cluster of its own, or one {@link Node} of a {@link KafkaCluster}.
 * Its own process keeps the broker's jars off the caller's classpath and lets it be killed like a real broker.
 * <p>
 * Secured, it also has a SASL_SSL listener ({@link SaslSsl}): SCRAM-SHA-512 over TLS, as managed Kafka offerings
 * require. The PLAINTEXT listener stays for the controller, replication and the operator's own administration (topics,
 * SCRAM credentials); the services and their clients are given only the SASL_SSL one. Authentication only: the broker
 * has no authorizer, so an authenticated user may use every topic.
 */
public final class KafkaBroker implements AutoCloseable {

    private static final String CLASSPATH_RESOURCE = "/org/servicerecovery/kafkabroker/classpath.txt";
    /**
     * The broker's heap and JIT. Tests start many short-lived JVMs on two cores, where C1 alone costs the least;
     * {@code make bench} sets the production JIT, as it does for the services.
     */
    public static final String JVM_OPTIONS = "sr.kafka.jvm-options";
    private static final String TEST_JVM_OPTIONS = "-Xms128m -Xmx512m -XX:+UseSerialGC -XX:TieredStopAtLevel=1";

    /** The SASL mechanism of the secured listener. */
    public static final String SASL_MECHANISM = "SCRAM-SHA-512";

    private final Process process;
    private final int port;
    private final SaslSsl saslSsl;

    private KafkaBroker(Process process, int port, SaslSsl saslSsl) {
        this.process = process;
        this.port = port;
        this.saslSsl = saslSsl;
    }

    /**
     * A SASL_SSL listener on {@code port}: TLS with {@code certificate}, SCRAM-SHA-512 with {@code scramUsers} (name to
     * password), which are stored when the data directory is formatted.
     */
    public record SaslSsl(int port, ThrowawayCa.ServerCertificate certificate, Map<String, String> scramUsers) {
    }

    /**
     * This broker's place in a KRaft cluster: its node id, the controller quorum (every node is broker and controller),
     * the cluster id every node's storage is formatted with, and the replication defaults of the topics it creates.
     *
     * @param quorumVoters {@code controller.quorum.voters}, e.g. {@code 1@127.0.0.1:9093,2@127.0.0.1:9095}
     */
    public record Node(int id, String clusterId, String quorumVoters, int replicationFactor, int minInsyncReplicas) {

        /** The only node of a cluster of its own: replication factor 1. */
        static Node single(int controllerPort) {
            return new Node(1, Uuid.randomUuid().toString(), "1@127.0.0.1:" + controllerPort, 1, 1);
        }
    }

    /** Formats {@code dataDir} on first use, then starts the broker and waits until it answers metadata requests. */
    public static KafkaBroker start(Path dataDir, int port, int controllerPort, Duration readyTimeout) throws IOException {
        return start(dataDir, port, controllerPort, Node.single(controllerPort), null, readyTimeout);
    }

    /**
     * One node of a cluster, formatted on first use; returns once it answers metadata requests, which a node of a
     * cluster only does once a majority of the quorum runs: start the nodes side by side.
     */
    public static KafkaBroker start(Path dataDir, int port, int controllerPort, Node node, Duration readyTimeout)
            throws IOException {
        return start(dataDir, port, controllerPort, node, null, readyTimeout);
    }

    /** As {@link #start(Path, int, int, Duration)}, with a SASL_SSL listener beside the PLAINTEXT one. */
    public static KafkaBroker startSecured(Path dataDir, int port, int controllerPort, SaslSsl saslSsl,
            Duration readyTimeout) throws IOException {
        return start(dataDir, port, controllerPort, Node.single(controllerPort), saslSsl, readyTimeout);
    }

    private static KafkaBroker start(Path dataDir, int port, int controllerPort, Node node, SaslSsl saslSsl,
            Duration readyTimeout) throws IOException {
        Files.createDirectories(dataDir);
        Path properties = writeServerProperties(dataDir, port, controllerPort, node, saslSsl);
        Path log4j = writeLog4jConfig(dataDir);
        if (!Files.exists(dataDir.resolve("logs/meta.properties"))) {
            List<String> format = new ArrayList<>(List.of("format", "-t", node.clusterId(),
                    "-c", properties.toString()));
            if (saslSsl != null) {
                saslSsl.scramUsers().forEach((name, password) -> format.addAll(List.of("--add-scram",
                        SASL_MECHANISM + "=[name=" + name + ",password=" + password + "]")));
            }
            runToCompletion(javaCommand(log4j, "kafka.tools.StorageTool", format.toArray(String[]::new)),
                    dataDir.resolve("format.log"));
        }
        Process process = new ProcessBuilder(javaCommand(log4j, "kafka.Kafka", properties.toString()))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dataDir.resolve("broker.log").toFile()))
                .start();
        KafkaBroker broker = new KafkaBroker(process, port, saslSsl);
        try {
            awaitReady(broker.bootstrapServers(), readyTimeout, process);
        } catch (RuntimeException e) {
            broker.close();
            throw e;
        }
        return broker;
    }

    /** The PLAINTEXT listener. */
    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** The SASL_SSL listener of a secured broker. */
    public String saslSslBootstrapServers() {
        if (saslSsl == null) {
            throw new IllegalStateException("this broker has no SASL_SSL listener");
        }
        return "127.0.0.1:" + saslSsl.port();
    }

    /**
     * Creates the SCRAM user or sets its password, through the PLAINTEXT listener of the broker at
     * {@code bootstrapServers}, as an operator (or Strimzi's user operator) changes a user's secret.
     */
    public static void upsertScramUser(String bootstrapServers, String name, String password) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(name,
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), password)))
                    .all().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot set the SCRAM credentials of " + name, e);
        }
    }

    public long pid() {
        return process.pid();
    }

    /** Fails fast if the broker process died instead of waiting for the whole timeout. */
    static void awaitReady(String bootstrapServers, Duration timeout, Process process) {
        long deadline = System.nanoTime() + timeout.toNanos();
        awaitPortOpen(bootstrapServers, deadline, process);
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 2000))) {
            while (true) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("Kafka broker exited with code " + process.exitValue());
                }
                try {
                    admin.describeCluster(new DescribeClusterOptions().timeoutMs(2000)).nodes().get(2, TimeUnit.SECONDS);
                    return;
                } catch (Exception notYet) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("Kafka broker not ready on " + bootstrapServers + " within " + timeout, notYet);
                    }
                    sleep(200);
                }
            }
        }
    }

    /** An admin client against a closed port logs a reconnect every few milliseconds; wait for the listener first. */
    private static void awaitPortOpen(String bootstrapServers, long deadline, Process process) {
        int port = Integer.parseInt(bootstrapServers.substring(bootstrapServers.lastIndexOf(':') + 1));
        while (System.nanoTime() < deadline && process.isAlive()) {
            try (java.net.Socket socket = new java.net.Socket()) {
                socket.connect(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), port), 500);
                return;
            } catch (IOException notYet) {
                sleep(100);
            }
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    private static Path writeServerProperties(Path dataDir, int port, int controllerPort, Node node, SaslSsl saslSsl)
            throws IOException {
        String replicas = Integer.toString(node.replicationFactor());
        String minIsr = Integer.toString(node.minInsyncReplicas());
        String secured = saslSsl == null ? "" : ",SASL_SSL://127.0.0.1:" + saslSsl.port();
        List<String> lines = new ArrayList<>(List.of(
                "process.roles=broker,controller",
                "node.id=" + node.id(),
                "controller.quorum.voters=" + node.quorumVoters(),
                "listeners=PLAINTEXT://127.0.0.1:" + port + secured + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + port + secured,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"
                        + (saslSsl == null ? "" : ",SASL_SSL:SASL_SSL"),
                "log.dirs=" + dataDir.resolve("logs").toAbsolutePath(),
                "num.partitions=6",
                // Topics come from the catalogue in libs/events; a typo must fail, not create a topic.
                "auto.create.topics.enable=false",
                "default.replication.factor=" + replicas,
                "min.insync.replicas=" + minIsr,
                "offsets.topic.replication.factor=" + replicas,
                "offsets.topic.num.partitions=10",
                "transaction.state.log.replication.factor=" + replicas,
                "transaction.state.log.min.isr=" + minIsr,
                "share.coordinator.state.topic.replication.factor=" + replicas,
                "share.coordinator.state.topic.min.isr=" + minIsr,
                "group.initial.rebalance.delay.ms=0"));
        if (saslSsl != null) {
            String listener = "listener.name.sasl_ssl.";
            lines.addAll(List.of(
                    "sasl.enabled.mechanisms=" + SASL_MECHANISM,
                    listener + "scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;",
                    listener + "ssl.keystore.type=PKCS12",
                    listener + "ssl.keystore.location=" + saslSsl.certificate().pkcs12().toAbsolutePath(),
                    listener + "ssl.keystore.password=" + saslSsl.certificate().password(),
                    listener + "ssl.key.password=" + saslSsl.certificate().password()));
        }
        lines.add("");
        Path file = dataDir.resolve("server.properties");
        Files.writeString(file, String.join("\n", lines));
        return file;
    }

    private static Path writeLog4jConfig(Path dataDir) throws IOException {
        Path file = dataDir.resolve("log4j2.properties");
        Files.writeString(file, String.join("\n",
                "rootLogger.level=INFO",
                "rootLogger.appenderRef.stdout.ref=STDOUT",
                "appender.stdout.type=Console",
                "appender.stdout.name=STDOUT",
                "appender.stdout.layout.type=PatternLayout",
                "appender.stdout.layout.pattern=%d{ISO8601} %-5p [%c{1}] %m%n",
                "logger.kafka.name=kafka",
                "logger.kafka.level=WARN",
                "logger.apache.name=org.apache.kafka",
                "logger.apache.level=WARN",
                ""));
        return file;
    }

    private static List<String> javaCommand(Path log4jConfig, String mainClass, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(List.of(System.getProperty(JVM_OPTIONS, TEST_JVM_OPTIONS).trim().split("\\s+")));
        command.addAll(List.of(
                "-Djava.awt.headless=true",
                "-Dlog4j2.configurationFile=" + log4jConfig.toAbsolutePath(),
                "-cp", brokerClasspath(), mainClass));
        command.addAll(List.of(args));
        return command;
    }

    private static String brokerClasspath() throws IOException {
        try (InputStream in = KafkaBroker.class.getResourceAsStream(CLASSPATH_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(CLASSPATH_RESOURCE + " missing: build libs/kafka-broker first");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        }
    }

    private static void runToCompletion(List<String> command, Path log) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("Kafka storage format failed, see " + log);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while formatting Kafka storage", e);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
