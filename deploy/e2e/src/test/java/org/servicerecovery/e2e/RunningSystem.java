package org.servicerecovery.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.servicerecovery.localinfra.DevTokens;
import org.servicerecovery.testing.LoopbackPorts;
import org.servicerecovery.testing.QuarkusProcess;
import org.servicerecovery.testing.SecuredServers;
import org.servicerecovery.testing.SharedInfrastructure;

/**
 * The four services as production runs them: the Helm chart's Deployments with helm/values-production.yaml
 * ({@link ChartDeployment}), {@link Replicas#count()} replicas of each (two unless told otherwise), their packaged
 * applications, each its own JVM with exactly the environment and files the chart gives its pods, on SASL_SSL Kafka and
 * TLS PostgreSQL ({@link SecuredServers}). Started once for the test JVM, stopped when it exits. REST calls through
 * {@link #url} alternate between a service's replicas; the console talks to the first replica of each.
 */
final class RunningSystem {

    private static final Path SERVICES = Path.of(System.getProperty("services.dir", "../../services"));
    // A folder per test JVM: two test JVMs may run side by side.
    private static final Path LOGS = Path.of("target", "e2e-logs", "jvm-" + ProcessHandle.current().pid());
    // Eight service JVMs starting at once on two shared cores take their time.
    private static final Duration READY = Duration.ofSeconds(300);
    private static final String REALM = "/realms/service-recovery";
    private static final Pattern EXTRA_ENV = Pattern.compile("workloads\\.[A-Za-z]+\\.env\\.(.+)");
    private static RunningSystem instance;
    private static List<Object> startedWith;

    private final ChartDeployment chart;
    private final LoopbackIdentityProvider identityProvider;
    private final Set<String> extraEnv;
    private final Map<Service, List<QuarkusProcess>> replicas;
    private final Map<Service, AtomicInteger> nextReplica = new EnumMap<>(Service.class);
    private QuarkusProcess console;
    private QuarkusProcess chartConsole;

    private RunningSystem(ChartDeployment chart, LoopbackIdentityProvider identityProvider, Set<String> extraEnv,
            Map<Service, List<QuarkusProcess>> replicas) {
        this.chart = chart;
        this.identityProvider = identityProvider;
        this.extraEnv = extraEnv;
        this.replicas = replicas;
        replicas.keySet().forEach(service -> nextReplica.put(service, new AtomicInteger()));
    }

    /**
     * The system of the story and the console tests, one for both when they run in the same JVM: the story policy's
     * windows of seconds (a critical apology is due within 4 s and escalated to the supervisor at once) as the chart's
     * {@code recoveryPolicy}, and an input watermark that reports late after 10 s, so that a test sees it while intake
     * is stalled for less than a minute.
     */
    static RunningSystem withStoryPolicy() {
        Path policy;
        try {
            policy = Path.of(RunningSystem.class.getResource("/story-policy.yaml").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        return start(Map.of("workloads.promiseTracking.env.RELIABILITY_WATERMARK_LATE_AFTER", "PT10S"),
                Map.of("recoveryPolicy", policy));
    }

    /**
     * {@code sets} and {@code setFiles}: chart values on top of values-production.yaml (helm --set, --set-file). Test
     * classes that ask for the same values share one running system.
     */
    static synchronized RunningSystem start(Map<String, Object> sets, Map<String, Path> setFiles) {
        if (instance != null && List.of(sets, setFiles).equals(startedWith)) {
            return instance;
        }
        SecuredServers servers = SecuredServers.get();
        LoopbackIdentityProvider idp = LoopbackIdentityProvider.start(REALM,
                SharedInfrastructure.signingKeyDir().resolve(DevTokens.PUBLIC_KEY_FILE), DevTokens.ISSUER);
        int count = Replicas.count();
        Map<Service, List<Integer>> ports = new EnumMap<>(Service.class);
        for (Service service : Service.values()) {
            ports.put(service, IntStream.range(0, count).mapToObj(replica -> LoopbackPorts.reserve()).toList());
        }
        Map<String, String> firstReplicas = new LinkedHashMap<>();
        ports.forEach((service, list) -> firstReplicas.put(service.directory, "http://127.0.0.1:" + list.get(0)));
        Map<String, Object> values = new LinkedHashMap<>(ChartDeployment.testTokenRealm());
        // The images have no OpenTelemetry extension: values-production.yaml's tracing would be ignored (ChartIT says so).
        values.put("tracing.enabled", false);
        values.putAll(sets);
        ChartDeployment chart = ChartDeployment.render(values, setFiles, servers, idp, firstReplicas);
        Map<Service, List<QuarkusProcess>> started = new EnumMap<>(Service.class);
        List<QuarkusProcess> all = new ArrayList<>();
        for (Service service : Service.values()) {
            List<QuarkusProcess> processes = new ArrayList<>();
            for (int replica = 0; replica < count; replica++) {
                processes.add(startPod(chart, service.directory, replica, ports.get(service).get(replica)));
            }
            started.put(service, List.copyOf(processes));
            all.addAll(processes);
        }
        Set<String> extraEnv = sets.keySet().stream().map(EXTRA_ENV::matcher).filter(Matcher::matches)
                .map(m -> m.group(1)).collect(Collectors.toSet());
        RunningSystem system = new RunningSystem(chart, idp, extraEnv, started);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            closeSideBySide(all);
            idp.close();
        }));
        CompletableFuture.allOf(all.stream()
                        .map(process -> CompletableFuture.runAsync(() -> process.awaitReady(READY)))
                        .toArray(CompletableFuture[]::new))
                .join();
        instance = system;
        startedWith = List.of(Map.copyOf(sets), Map.copyOf(setFiles));
        return system;
    }

    private static QuarkusProcess startPod(ChartDeployment chart, String component, int replica, int port) {
        List<String> jvm = new ArrayList<>(chart.jvmOptions(component));
        jvm.addAll(QuarkusProcess.testJit());
        return QuarkusProcess.startWithEnvironment(jvm, SERVICES.resolve(component + "/target/quarkus-app/quarkus-run.jar"),
                log(component, replica), chart.environment(component, Integer.toString(replica), port), port);
    }

    private static Path log(String component, int replica) {
        return LOGS.resolve(component + "-" + replica + ".log");
    }

    LoopbackIdentityProvider identityProvider() {
        return identityProvider;
    }

    /** The Kafka client settings of the tests' own producers and consumers (a CRM, an independent reader). */
    Map<String, Object> kafkaClients() {
        return SecuredServers.get().testClientSettings();
    }

    /**
     * What a workload of the chart sets and its application never reads: variables (beside those a test added
     * through {@code workloads.*.env}) and the settings Quarkus reported as unknown in the log of each replica.
     */
    List<String> ignoredSettings() {
        List<String> ignored = new ArrayList<>();
        for (Service service : Service.values()) {
            chart.unreadVariables(service.directory, SERVICES.resolve(service.directory + "/target/quarkus-app")).stream()
                    .filter(name -> !extraEnv.contains(name))
                    .forEach(name -> ignored.add(service.directory + ": " + name));
            for (int replica = 0; replica < replicas.get(service).size(); replica++) {
                ChartDeployment.unrecognisedSettings(log(service.directory, replica))
                        .forEach(line -> ignored.add(service.directory + ": " + line));
            }
        }
        if (chartConsole != null) {
            chart.unreadVariables("console", SERVICES.resolve("console/target/quarkus-app"))
                    .forEach(name -> ignored.add("console: " + name));
            ChartDeployment.unrecognisedSettings(log("console", 0)).forEach(line -> ignored.add("console: " + line));
        }
        return ignored;
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
     * The console as the chart runs it, but with local sign-in in place of OpenID Connect, for a browser test (the
     * identity provider here signs nobody in): the test JVM's private key, whose public half every service trusts.
     * Started on first use; returns its base URL (ending in {@code /}).
     */
    synchronized String console() {
        if (console == null) {
            Map<String, String> env = new LinkedHashMap<>();
            int port = LoopbackPorts.reserve();
            chart.environment("console", "local-sign-in", port).forEach((name, value) -> {
                if (!name.startsWith("OIDC_")) {
                    env.put(name, value);
                }
            });
            env.put("CONSOLE_SIGNIN_PRIVATE_KEY", SharedInfrastructure.signingKeyDir().resolve("private.pem").toString());
            console = startConsole(env, port, "console-local-sign-in");
        }
        return "http://127.0.0.1:" + console.port() + "/";
    }

    /**
     * The console exactly as the chart runs it: OpenID Connect sign-in at the identity provider, the four services
     * through their first replicas. Started on first use; returns its base URL (ending in {@code /}).
     */
    synchronized String chartConsole() {
        if (chartConsole == null) {
            int port = LoopbackPorts.reserve();
            chartConsole = startConsole(chart.environment("console", "0", port), port, "console");
        }
        return "http://127.0.0.1:" + chartConsole.port() + "/";
    }

    private QuarkusProcess startConsole(Map<String, String> env, int port, String logName) {
        List<String> jvm = new ArrayList<>(chart.jvmOptions("console"));
        jvm.addAll(QuarkusProcess.testJit());
        QuarkusProcess started = QuarkusProcess.startWithEnvironment(jvm,
                SERVICES.resolve("console/target/quarkus-app/quarkus-run.jar"), log(logName, 0), env, port);
        Runtime.getRuntime().addShutdownHook(new Thread(started::close));
        return started.awaitReady(READY);
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
