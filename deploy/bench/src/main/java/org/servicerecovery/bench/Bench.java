package org.servicerecovery.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.servicerecovery.events.Topic;
import org.servicerecovery.localinfra.KafkaBroker;
import org.servicerecovery.localinfra.TopicCatalogue;
import org.servicerecovery.testing.QuarkusProcess;
import org.servicerecovery.testing.SharedInfrastructure;

/**
 * `make bench`: starts a fresh Kafka and PostgreSQL (durable settings), measures their raw rates as baselines, then
 * the system's figures on the same box in the same run, and writes target/bench/report.md. Arguments name the sections
 * to run (default: all).
 */
public final class Bench {

    private static final Path OUT = Path.of("target", "bench");

    /**
     * Sections to run, all by default; e.g. {@code make bench BENCH=loyalty} (the baselines always run). The system
     * section's two parts run alone as {@code system-sustained} and {@code system-steps}.
     */
    private static final List<String> SECTIONS = List.of("reliability", "loyalty", "recovery", "promises", "intake",
            "system");

    private Bench() {
    }

    public static void main(String[] args) throws Exception {
        List<String> selected = args.length == 0 ? SECTIONS : List.of(args);
        System.setProperty("sr.infra.durable", "true");
        System.setProperty("SR_TEST_INFRA", "embedded");
        // As in production: the full JIT, with the heap and collector of a small container. -Dbench.service-jvm="..."
        // replaces them, to profile a section (docs/performance.md: "Profiling a section").
        System.setProperty(QuarkusProcess.JVM_OPTIONS, System.getProperty("bench.service-jvm", "-Xmx256m -XX:+UseSerialGC"));
        // The broker with the production JIT too.
        System.setProperty(KafkaBroker.JVM_OPTIONS, "-Xms512m -Xmx512m -XX:+UseSerialGC");
        SharedInfrastructure infrastructure = SharedInfrastructure.get();
        String kafka = infrastructure.kafkaBootstrapServers();
        BenchDb db = new BenchDb(infrastructure.jdbcUrl(), null);
        Report report = new Report();
        System.out.println("service-recovery benchmark: baselines");
        Baselines.Figures baseline = Baselines.measure(kafka, db, report);

        if (selected.contains("reliability")) {
            System.out.println("reliability core (libs/reliability in a one-service test application)");
            TopicCatalogue.ensureTopic(kafka, "reliability-testapp.dlq", 1);
            Path testapp = Path.of("libs/reliability-testapp/target/quarkus-app/quarkus-run.jar");
            BenchDb schema = db.on("reliability_testapp");
            try (QuarkusProcess service = QuarkusProcess.start(testapp, OUT.resolve("reliability-testapp.log"), Map.of())
                    .awaitReady(Duration.ofSeconds(90))) {
                OutboxBench.run(schema, kafka, report, baseline);
            }
            // Timers are read back by their commit instants; the PostgreSQL restart this takes happens between processes.
            try (ServerSetting tracked = CommitTimestamps.on(infrastructure, db);
                 QuarkusProcess service = QuarkusProcess.start(testapp, OUT.resolve("reliability-testapp-timers.log"), Map.of())
                         .awaitReady(Duration.ofSeconds(90))) {
                TimerBench.run(schema, report);
                report.add("memory", "reliability test application RSS", Report.mebibytes(service.residentBytes()), "-Xmx256m");
            }
        }
        if (selected.contains("loyalty")) {
            System.out.println("loyalty-scoring");
            // the reliability section's test application publishes tens of thousands of records on promise.events
            ConsumerGroups.startAtEnd(kafka, "loyalty-scoring", List.of(Topic.INTAKE_EVENTS, Topic.PROMISE_EVENTS, Topic.RECOVERY_EVENTS));
            try (StatementCosts statements = StatementCosts.on(infrastructure, db);
                 QuarkusProcess service = QuarkusProcess.start(Path.of("services/loyalty-scoring/target/quarkus-app/quarkus-run.jar"),
                         OUT.resolve("loyalty-scoring.log"), Map.of()).awaitReady(Duration.ofSeconds(90))) {
                LoyaltyBench.run(db.on("loyalty_scoring"), kafka, report, service, statements);
                report.add("memory", "loyalty-scoring RSS after the rebuild", Report.mebibytes(service.residentBytes()), "-Xmx256m");
            }
        }
        // Services read the domain topics from the beginning: intake, which fills them most, goes last.
        if (selected.contains("recovery")) {
            System.out.println("recovery-escalation behind intake (CRM complaint in -> case opened, apology scheduled)");
            ConsumerGroups.startAtEnd(kafka, "intake", List.of(Topic.CRM_EVENTS));
            ConsumerGroups.startAtEnd(kafka, "recovery-escalation", List.of(Topic.INTAKE_EVENTS, Topic.PROMISE_EVENTS));
            try (QuarkusProcess intake = QuarkusProcess.start(Path.of("services/intake/target/quarkus-app/quarkus-run.jar"),
                         OUT.resolve("intake-recovery.log"), Map.of());
                 QuarkusProcess service = QuarkusProcess.start(Path.of("services/recovery-escalation/target/quarkus-app/quarkus-run.jar"),
                         OUT.resolve("recovery-escalation.log"), Map.of())) {
                intake.awaitReady(Duration.ofSeconds(90));
                service.awaitReady(Duration.ofSeconds(90));
                RecoveryBench.run(kafka, service.port(), db.on("recovery_escalation"), report);
                report.add("memory", "recovery-escalation RSS", Report.mebibytes(service.residentBytes()), "-Xmx256m");
            }
        }
        if (selected.contains("promises")) {
            System.out.println("promise-tracking (1,000,000 pending; 10k due in one second; steady commitments)");
            ConsumerGroups.startAtEnd(kafka, "promise-tracking", List.of(Topic.INTAKE_EVENTS));
            // Alone, without intake and its watermark: the deadlines fire on processing time (the system section gates them).
            try (QuarkusProcess service = QuarkusProcess.start(Path.of("services/promise-tracking/target/quarkus-app/quarkus-run.jar"),
                    OUT.resolve("promise-tracking.log"), Map.of("reliability.watermark.enabled", "false"))
                    .awaitReady(Duration.ofSeconds(90))) {
                PromiseBench.run(db.on("promise_tracking"), kafka, report);
                report.add("memory", "promise-tracking RSS", Report.mebibytes(service.residentBytes()), "-Xmx256m");
            }
        }
        if (selected.contains("intake")) {
            System.out.println("intake (Kafka and REST ingest)");
            // The per-client rate limit would cap the REST figure at the limit instead of the service's capacity.
            try (QuarkusProcess service = QuarkusProcess.start(Path.of("services/intake/target/quarkus-app/quarkus-run.jar"),
                    OUT.resolve("intake.log"), Map.of("intake.rate-limit.per-second", "1000000")).awaitReady(Duration.ofSeconds(90))) {
                IntakeBench.run(kafka, service.port(), report);
                report.add("memory", "intake RSS", Report.mebibytes(service.residentBytes()), "-Xmx256m");
            }
        }
        // Last: all four services read from the topics the earlier sections filled (they start caught up, see SystemBench).
        boolean sustained = selected.contains("system") || selected.contains("system-sustained");
        boolean steps = selected.contains("system") || selected.contains("system-steps");
        if (sustained || steps) {
            System.out.println("system (all four services under mixed CRM traffic through intake)");
            try (StatementCosts statements = StatementCosts.on(infrastructure, db)) {
                SystemBench.run(kafka, infrastructure.kafkaPid().orElseThrow(), db, statements, report, OUT, sustained, steps);
            }
        }
        String machine = Runtime.getRuntime().availableProcessors() + " cores, Java " + Runtime.version()
                + ", " + System.getProperty("os.name") + " " + System.getProperty("os.arch");
        report.write(OUT.resolve("report.md"), machine);
        System.out.println("report: " + OUT.resolve("report.md").toAbsolutePath());
        System.exit(0);
    }
}
