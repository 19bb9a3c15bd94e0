package org.servicerecovery.e2e;

import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.servicerecovery.testing.QuarkusProcess;
import org.servicerecovery.testing.SharedInfrastructure;

/**
 * The four services as `make run` starts them: their packaged applications, each its own JVM, on the shared Kafka
 * and PostgreSQL. Started once for the test JVM, stopped when it exits.
 */
final class RunningSystem {

    enum Service {
        INTAKE("intake"), PROMISE_TRACKING("promise-tracking"), RECOVERY_ESCALATION("recovery-escalation"),
        LOYALTY_SCORING("loyalty-scoring");

        final String directory;

        Service(String directory) {
            this.directory = directory;
        }
    }

    private static final Path SERVICES = Path.of(System.getProperty("services.dir", "../../services"));
    private static final Path LOGS = Path.of("target", "e2e-logs");
    private static RunningSystem instance;

    private final Map<Service, QuarkusProcess> processes;

    private RunningSystem(Map<Service, QuarkusProcess> processes) {
        this.processes = processes;
    }

    static synchronized RunningSystem get() {
        if (instance == null) {
            instance = start(Map.of());
        }
        return instance;
    }

    /** {@code overrides}: extra configuration per service, e.g. a policy directory with short windows. */
    static synchronized RunningSystem start(Map<Service, Map<String, String>> overrides) {
        SharedInfrastructure.get();
        Map<Service, QuarkusProcess> started = new EnumMap<>(Service.class);
        for (Service service : Service.values()) {
            started.put(service, QuarkusProcess.start(SERVICES.resolve(service.directory).resolve("target/quarkus-app/quarkus-run.jar"),
                    LOGS.resolve(service.directory + ".log"), overrides.getOrDefault(service, Map.of())));
        }
        RunningSystem system = new RunningSystem(started);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> started.values().forEach(QuarkusProcess::close)));
        CompletableFuture.allOf(started.values().stream()
                        .map(process -> CompletableFuture.runAsync(() -> process.awaitReady(Duration.ofSeconds(120))))
                        .toArray(CompletableFuture[]::new))
                .join();
        instance = system;
        return system;
    }

    String url(Service service) {
        return "http://127.0.0.1:" + processes.get(service).port();
    }

    List<Long> residentBytes() {
        return processes.values().stream().map(QuarkusProcess::residentBytes).toList();
    }
}
