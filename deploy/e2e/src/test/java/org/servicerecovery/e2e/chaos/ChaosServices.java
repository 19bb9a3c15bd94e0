package org.servicerecovery.e2e.chaos;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

import org.servicerecovery.testing.QuarkusProcess;

/** The four services from their packaged jars, each its own JVM, so that one can be killed and started again. */
final class ChaosServices implements AutoCloseable {

    private static final Duration READY = Duration.ofSeconds(180);

    private final Path servicesDir;
    private final Path logs;
    private final Map<Target, QuarkusProcess> running = new EnumMap<>(Target.class);
    private final AtomicBoolean closed = new AtomicBoolean();
    private int generation;

    private ChaosServices(Path servicesDir, Path logs) {
        this.servicesDir = servicesDir;
        this.logs = logs;
    }

    /** Starts all four side by side (they take seconds each) and waits until every one is ready. */
    static ChaosServices start(Path servicesDir, Path logs) {
        ChaosServices services = new ChaosServices(servicesDir, logs);
        // Child JVMs outlive an interrupted run (Ctrl-C, a test timeout) unless stopped on the way out.
        Runtime.getRuntime().addShutdownHook(new Thread(services::close));
        Arrays.stream(Target.SERVICES).forEach(service -> services.running.put(service, services.launch(service)));
        CompletableFuture.allOf(services.running.values().stream()
                        .map(process -> CompletableFuture.runAsync(() -> process.awaitReady(READY)))
                        .toArray(CompletableFuture[]::new))
                .join();
        return services;
    }

    void kill(Target service) {
        running.get(service).kill();
    }

    int port(Target service) {
        return running.get(service).port();
    }

    /** The process id of each running service: unchanged over a run means nothing restarted it. */
    Map<Target, Long> pids() {
        Map<Target, Long> pids = new EnumMap<>(Target.class);
        running.forEach((service, process) -> pids.put(service, process.isAlive() ? process.pid() : -1));
        return pids;
    }

    void restart(Target service) {
        running.put(service, launch(service).awaitReady(READY));
    }

    @Override
    public void close() {
        if (!closed.getAndSet(true)) {
            // Each may take its graceful-shutdown time; side by side they take it once.
            CompletableFuture.allOf(running.values().stream().map(process -> CompletableFuture.runAsync(process::close))
                    .toArray(CompletableFuture[]::new)).join();
        }
    }

    private QuarkusProcess launch(Target service) {
        // A log per incarnation, so the last words before a kill stay next to the restart's first ones.
        Path log = logs.resolve(service.directory + "-" + generation++ + ".log");
        return QuarkusProcess.start(servicesDir.resolve(service.directory).resolve("target/quarkus-app/quarkus-run.jar"),
                log, Map.of());
    }
}
