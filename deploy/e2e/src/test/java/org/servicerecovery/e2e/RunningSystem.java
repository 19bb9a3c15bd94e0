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
    private static Map<Service, Map<String, String>> startedWith;

    private final Map<Service, QuarkusProcess> processes;
    private QuarkusProcess console;

    private RunningSystem(Map<Service, QuarkusProcess> processes) {
        this.processes = processes;
    }

    static synchronized RunningSystem get() {
        if (instance == null) {
            instance = start(Map.of());
        }
        return instance;
    }

    /**
     * {@code overrides}: extra configuration per service, e.g. a policy directory with short windows. Test classes that
     * ask for the same configuration share one running system.
     */
    static synchronized RunningSystem start(Map<Service, Map<String, String>> overrides) {
        if (instance != null && overrides.equals(startedWith)) {
            return instance;
        }
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
        startedWith = Map.copyOf(overrides);
        return system;
    }

    /**
     * The console as deploy/local/run.sh starts it, in front of these services: their URLs in the four {@code *_URL}
     * variables it reads, and local sign-in on with the test JVM's private key, whose public half every service trusts.
     * Started on first use; returns its base URL (ending in {@code /}).
     */
    synchronized String console() {
        if (console == null) {
            Path privateKey = Path.of(System.getProperty("sr.test.jwt.key-dir"), "private.pem");
            QuarkusProcess started = QuarkusProcess.start(SERVICES.resolve("console/target/quarkus-app/quarkus-run.jar"),
                    LOGS.resolve("console.log"), Map.of(
                            "INTAKE_URL", url(Service.INTAKE),
                            "PROMISE_TRACKING_URL", url(Service.PROMISE_TRACKING),
                            "RECOVERY_ESCALATION_URL", url(Service.RECOVERY_ESCALATION),
                            "LOYALTY_SCORING_URL", url(Service.LOYALTY_SCORING),
                            "CONSOLE_SIGNIN_PRIVATE_KEY", privateKey.toString()));
            Runtime.getRuntime().addShutdownHook(new Thread(started::close));
            started.awaitReady(Duration.ofSeconds(120));
            console = started;
        }
        return "http://127.0.0.1:" + console.port() + "/";
    }

    String url(Service service) {
        return "http://127.0.0.1:" + processes.get(service).port();
    }

    List<Long> residentBytes() {
        return processes.values().stream().map(QuarkusProcess::residentBytes).toList();
    }
}
