package org.servicerecovery.e2e.chaos;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import org.servicerecovery.e2e.Service;
import org.servicerecovery.testing.QuarkusProcess;

/**
 * The replicas of the four services from their packaged jars, each its own JVM on its own port, so that one replica
 * can be killed and started again while its siblings keep working. Replicas of a service share its schema and
 * consumer group.
 */
final class ChaosServices implements AutoCloseable {

    // Eight service JVMs starting at once on two shared cores, while the load runs, take their time.
    private static final Duration READY = Duration.ofSeconds(300);

    private final Path servicesDir;
    private final Path logs;
    private final List<Target.Replica> replicas;
    private final Map<Target.Replica, QuarkusProcess> running = new ConcurrentHashMap<>();
    /** Each replica's way to readiness since its last start; a restarted replica gets there while the run goes on. */
    private final Map<Target.Replica, CompletableFuture<Void>> ready = new ConcurrentHashMap<>();
    private final Map<Target.Replica, Integer> incarnations = new ConcurrentHashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();

    private ChaosServices(Path servicesDir, Path logs, int replicas) {
        this.servicesDir = servicesDir;
        this.logs = logs;
        this.replicas = Target.replicas(replicas);
    }

    /** Starts {@code replicas} of each of the four side by side (they take seconds each) and waits until all are ready. */
    static ChaosServices start(Path servicesDir, Path logs, int replicas) {
        ChaosServices services = new ChaosServices(servicesDir, logs, replicas);
        // Child JVMs outlive an interrupted run (Ctrl-C, a test timeout) unless stopped on the way out.
        Runtime.getRuntime().addShutdownHook(new Thread(services::close));
        services.replicas.forEach(services::launch);
        services.awaitReady();
        return services;
    }

    List<Target.Replica> replicas() {
        return replicas;
    }

    /** Waits until the replica is ready (a replica just restarted may still be starting), then kills it with SIGKILL. */
    void kill(Target.Replica replica) {
        ready.get(replica).join();
        running.get(replica).kill();
    }

    /** Starts the replica again and returns at once; {@link #awaitReady()} or the next kill of it waits for readiness. */
    void restart(Target.Replica replica) {
        launch(replica);
    }

    /** Waits until every replica is ready; fails if one cannot start. */
    void awaitReady() {
        CompletableFuture.allOf(ready.values().toArray(CompletableFuture[]::new)).join();
    }

    /** The HTTP port of the service's first replica. */
    int port(Service service) {
        return running.get(new Target.Replica(service, 0)).port();
    }

    /** The HTTP port of every replica. */
    Map<Target.Replica, Integer> ports() {
        Map<Target.Replica, Integer> ports = new LinkedHashMap<>();
        replicas.forEach(replica -> ports.put(replica, running.get(replica).port()));
        return ports;
    }

    /** The process id of each replica: unchanged over a run means nothing restarted it. */
    Map<Target.Replica, Long> pids() {
        Map<Target.Replica, Long> pids = new LinkedHashMap<>();
        replicas.forEach(replica -> {
            QuarkusProcess process = running.get(replica);
            pids.put(replica, process.isAlive() ? process.pid() : -1);
        });
        return pids;
    }

    @Override
    public void close() {
        if (!closed.getAndSet(true)) {
            // Each may take its graceful-shutdown time; side by side they take it once.
            CompletableFuture.allOf(running.values().stream().map(process -> CompletableFuture.runAsync(process::close))
                    .toArray(CompletableFuture[]::new)).join();
        }
    }

    private void launch(Target.Replica replica) {
        // A log per incarnation, so the last words before a kill stay next to the restart's first ones.
        int incarnation = incarnations.merge(replica, 1, Integer::sum) - 1;
        Path log = logs.resolve(replica.service().directory + "-" + replica.index() + "-" + incarnation + ".log");
        QuarkusProcess process = QuarkusProcess.start(replica.service().jar(servicesDir), log, Map.of());
        running.put(replica, process);
        // A thread of its own: the common pool may have a single thread on two cores, and this one mostly sleeps.
        ready.put(replica, CompletableFuture.runAsync(() -> process.awaitReady(READY), task -> {
            Thread thread = new Thread(task, "await-ready-" + replica);
            thread.setDaemon(true);
            thread.start();
        }));
    }
}
