package org.servicerecovery.localinfra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;

/**
 * A real three-node Apache Kafka cluster on 127.0.0.1: three JVMs, each broker and controller (a three-voter KRaft
 * quorum), replication factor 3 and {@code min.insync.replicas=2} for every topic it creates, the internal ones too.
 * Any node can be killed with SIGKILL and started again on its own data and ports, so clients only see an outage.
 * With one node down everything goes on; with two down the quorum and the in-sync minimum are both lost, and a
 * producer with {@code acks=all} waits until a node returns.
 */
public final class KafkaCluster implements AutoCloseable {

    public static final int SIZE = 3;
    public static final int MIN_INSYNC_REPLICAS = 2;

    private final Path root;
    private final List<Integer> ports;
    private final List<Integer> controllerPorts;
    private final Duration readyTimeout;
    private final List<KafkaBroker.Node> nodes;
    private final KafkaBroker[] running = new KafkaBroker[SIZE];

    private KafkaCluster(Path root, List<Integer> ports, List<Integer> controllerPorts, Duration readyTimeout) {
        if (ports.size() != SIZE || controllerPorts.size() != SIZE) {
            throw new IllegalArgumentException("a cluster of " + SIZE + " needs " + SIZE + " broker and controller ports");
        }
        this.root = root;
        this.ports = List.copyOf(ports);
        this.controllerPorts = List.copyOf(controllerPorts);
        this.readyTimeout = readyTimeout;
        String clusterId = Uuid.randomUuid().toString();
        String voters = IntStream.range(0, SIZE).mapToObj(i -> nodeId(i) + "@127.0.0.1:" + controllerPorts.get(i))
                .collect(Collectors.joining(","));
        this.nodes = IntStream.range(0, SIZE)
                .mapToObj(i -> new KafkaBroker.Node(nodeId(i), clusterId, voters, SIZE, MIN_INSYNC_REPLICAS)).toList();
    }

    /** Starts the three nodes side by side (none is ready before a majority runs) in {@code root/node-<id>}. */
    public static KafkaCluster start(Path root, List<Integer> ports, List<Integer> controllerPorts, Duration readyTimeout) {
        KafkaCluster cluster = new KafkaCluster(root, ports, controllerPorts, readyTimeout);
        try {
            cluster.restartAll(IntStream.range(0, SIZE).boxed().toList());
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    /** Every node's address. */
    public String bootstrapServers() {
        return ports.stream().map(port -> "127.0.0.1:" + port).collect(Collectors.joining(","));
    }

    /** Kills node {@code index} (0 to 2) with SIGKILL and waits until its process is gone. */
    public void kill(int index) {
        KafkaBroker broker = running[index];
        if (broker == null) {
            throw new IllegalStateException("node " + nodeId(index) + " is not running");
        }
        ProcessHandle process = ProcessHandle.of(broker.pid()).orElseThrow();
        List<ProcessHandle> all = Stream.concat(Stream.of(process), process.descendants()).toList();
        all.forEach(ProcessHandle::destroyForcibly);
        all.forEach(handle -> handle.onExit().join());
        broker.close(); // the process is gone; this only lets go of it
        running[index] = null;
    }

    /**
     * Starts the given stopped nodes (again) on their data and ports, side by side, and waits until each answers
     * metadata requests (a node alone does not: a majority of the quorum must run).
     */
    public void restartAll(List<Integer> indexes) {
        try {
            CompletableFuture.allOf(indexes.stream().map(index -> CompletableFuture.runAsync(() -> startNode(index),
                    task -> new Thread(task, "kafka-node-" + nodeId(index)).start())).toArray(CompletableFuture[]::new)).join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
    }

    /** Starts node {@code index} again and waits until it answers metadata requests. */
    public void restart(int index) {
        restartAll(List.of(index));
    }

    public boolean isRunning(int index) {
        return running[index] != null;
    }

    /**
     * Waits until every partition of every topic, the internal ones too, has all its replicas in sync again: only then
     * can another node go down without a partition falling below the in-sync minimum.
     */
    public void awaitFullyReplicated(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000))) {
            String lagging = "not asked yet";
            while (System.nanoTime() < deadline) {
                try {
                    lagging = underReplicated(admin);
                    if (lagging.isEmpty()) {
                        return;
                    }
                } catch (Exception notYet) {
                    lagging = notYet.toString();
                }
                KafkaBroker.sleep(250);
            }
            throw new IllegalStateException("partitions still under-replicated after " + timeout + ": " + lagging);
        }
    }

    @Override
    public void close() {
        CompletableFuture.allOf(IntStream.range(0, SIZE).filter(this::isRunning)
                .mapToObj(index -> CompletableFuture.runAsync(running[index]::close,
                        task -> new Thread(task, "kafka-node-stop-" + nodeId(index)).start()))
                .toArray(CompletableFuture[]::new)).join();
        IntStream.range(0, SIZE).forEach(index -> running[index] = null);
    }

    private void startNode(int index) {
        if (running[index] != null) {
            throw new IllegalStateException("node " + nodeId(index) + " is running");
        }
        try {
            running[index] = KafkaBroker.start(root.resolve("node-" + nodeId(index)), ports.get(index),
                    controllerPorts.get(index), nodes.get(index), readyTimeout);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The partitions with a replica out of sync, e.g. {@code crm.events-2 isr [1, 3] of [1, 2, 3]}; empty if none. */
    private static String underReplicated(Admin admin) throws Exception {
        Set<String> topics = admin.listTopics(new ListTopicsOptions().listInternal(true)).names().get(5, TimeUnit.SECONDS);
        List<String> lagging = new ArrayList<>();
        for (TopicDescription topic : admin.describeTopics(topics).allTopicNames().get(5, TimeUnit.SECONDS).values()) {
            for (TopicPartitionInfo partition : topic.partitions()) {
                if (partition.isr().size() < partition.replicas().size()) {
                    lagging.add(topic.name() + "-" + partition.partition() + " isr " + ids(partition.isr()) + " of "
                            + ids(partition.replicas()));
                }
            }
        }
        return String.join(", ", lagging);
    }

    private static List<Integer> ids(List<org.apache.kafka.common.Node> nodes) {
        return nodes.stream().map(org.apache.kafka.common.Node::id).toList();
    }

    private static int nodeId(int index) {
        return index + 1;
    }
}
