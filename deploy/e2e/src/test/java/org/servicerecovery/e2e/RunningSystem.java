package org.servicerecovery.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import org.servicerecovery.testing.QuarkusProcess;
import org.servicerecovery.testing.SharedInfrastructure;

/**
 * The four services as production runs them: {@link Replicas#count()} replicas of each (two unless told otherwise),
 * their packaged applications, each its own JVM, on the shared Kafka and PostgreSQL. Started once for the test JVM,
 * stopped when it exits. REST calls through {@link #url} alternate between a service's replicas; the console talks to
 * the first replica of each.
 */
final class RunningSystem {

    private static final Path SERVICES = Path.of(System.getProperty("services.dir", "../../services"));
    // A folder per test JVM: two test JVMs may run side by side.
    private static final Path LOGS = Path.of("target", "e2e-logs", "jvm-" + ProcessHandle.current().pid());
    // Eight service JVMs starting at once on two shared cores take their time.
    private static final Duration READY = Duration.ofSeconds(300);
    private static RunningSystem instance;
    private static Map<Service, Map<String, String>> startedWith;

    private final Map<Service, List<QuarkusProcess>> replicas;
    private final Map<Service, AtomicInteger> nextReplica = new EnumMap<>(Service.class);
    private QuarkusProcess console;

    private RunningSystem(Map<Service, List<QuarkusProcess>> replicas) {
        this.replicas = replicas;
        replicas.keySet().forEach(service -> nextReplica.put(service, new AtomicInteger()));
    }

    /**
     * The system of the story and the console tests, one for both when they run in the same JVM: the story policy's
     * windows of seconds (a critical apology is due within 4 s and escalated to the supervisor at once), and an input
     * watermark that reports late after 10 s, so that a test sees it while intake is stalled for less than a minute.
     */
    static RunningSystem withStoryPolicy() {
        Path policy;
        try {
            policy = Path.of(RunningSystem.class.getResource("/story-policy.yaml").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        return start(Map.of(Service.RECOVERY_ESCALATION, Map.of("recovery.policy.file", policy.toString()),
                Service.PROMISE_TRACKING, Map.of("reliability.watermark.late-after", "PT10S")));
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
        int count = Replicas.count();
        Map<Service, List<QuarkusProcess>> started = new EnumMap<>(Service.class);
        List<QuarkusProcess> all = new ArrayList<>();
        for (Service service : Service.values()) {
            List<QuarkusProcess> processes = new ArrayList<>();
            for (int replica = 0; replica < count; replica++) {
                processes.add(QuarkusProcess.start(service.jar(SERVICES),
                        LOGS.resolve(service.directory + "-" + replica + ".log"), overrides.getOrDefault(service, Map.of())));
            }
            started.put(service, List.copyOf(processes));
            all.addAll(processes);
        }
        RunningSystem system = new RunningSystem(started);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> closeSideBySide(all)));
        CompletableFuture.allOf(all.stream()
                        .map(process -> CompletableFuture.runAsync(() -> process.awaitReady(READY)))
                        .toArray(CompletableFuture[]::new))
                .join();
        instance = system;
        startedWith = Map.copyOf(overrides);
        return system;
    }

    /**
     * Each service may take seconds to shut down gracefully, more while the broker goes down with this JVM; side by
     * side they take it once, well within the time failsafe gives a test JVM to exit.
     */
    private static void closeSideBySide(List<QuarkusProcess> processes) {
        CompletableFuture.allOf(processes.stream().map(process -> CompletableFuture.runAsync(process::close))
                .toArray(CompletableFuture[]::new)).join();
    }

    /**
     * The console as deploy/local/run.sh starts it, in front of these services: the first replica's URL of each in the
     * four {@code *_URL} variables it reads, and local sign-in on with the test JVM's private key, whose public half
     * every service trusts. Started on first use; returns its base URL (ending in {@code /}).
     */
    synchronized String console() {
        if (console == null) {
            Path privateKey = Path.of(System.getProperty("sr.test.jwt.key-dir"), "private.pem");
            QuarkusProcess started = QuarkusProcess.start(SERVICES.resolve("console/target/quarkus-app/quarkus-run.jar"),
                    LOGS.resolve("console.log"), Map.of(
                            "INTAKE_URL", url(Service.INTAKE, 0),
                            "PROMISE_TRACKING_URL", url(Service.PROMISE_TRACKING, 0),
                            "RECOVERY_ESCALATION_URL", url(Service.RECOVERY_ESCALATION, 0),
                            "LOYALTY_SCORING_URL", url(Service.LOYALTY_SCORING, 0),
                            "CONSOLE_SIGNIN_PRIVATE_KEY", privateKey.toString()));
            Runtime.getRuntime().addShutdownHook(new Thread(started::close));
            started.awaitReady(READY);
            console = started;
        }
        return "http://127.0.0.1:" + console.port() + "/";
    }

    /** Every replica's base URL. */
    List<String> urls(Service service) {
        return IntStream.range(0, replicas.get(service).size()).mapToObj(replica -> url(service, replica)).toList();
    }

    /**
     * Every replica of the service frozen (SIGSTOP) while {@code during} runs, as a process that hangs (a stop-the-world
     * pause, a starved node) is frozen, then continued (SIGCONT) whatever happens.
     */
    void frozen(Service service, Runnable during) {
        List<QuarkusProcess> processes = replicas.get(service);
        try {
            processes.forEach(process -> signal("STOP", process));
            during.run();
        } finally {
            processes.forEach(process -> signal("CONT", process));
        }
    }

    private static void signal(String signal, QuarkusProcess process) {
        try {
            int exit = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start().waitFor();
            if (exit != 0) {
                throw new IllegalStateException("kill -" + signal + " " + process.pid() + " exited with " + exit);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A replica's base URL, the next one of the service's replicas at each call, as a load balancer would. */
    String url(Service service) {
        List<QuarkusProcess> processes = replicas.get(service);
        return url(service, Math.floorMod(nextReplica.get(service).getAndIncrement(), processes.size()));
    }

    private String url(Service service, int replica) {
        return "http://127.0.0.1:" + replicas.get(service).get(replica).port();
    }
}
