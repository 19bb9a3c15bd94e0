package org.servicerecovery.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import org.HdrHistogram.Histogram;
import org.servicerecovery.events.Topic;
import org.servicerecovery.testing.QuarkusProcess;

/**
 * The four services together under a CRM's mixed traffic ({@link MixedTraffic}) on crm.events, the CRM door through
 * intake: per-stage throughput and latency, promise miss lateness, complaint → case, score updates and memory, each
 * beside its goal, plus PNG charts of the same in target/bench.
 */
final class SystemBench {

    static final String SENT = "crm.events (sent)";
    static final String SCORE_UPDATES = "score updates (score_history)";
    static final String RSS = "RSS ";

    /** -Dbench.system.rate, -Dbench.system.seconds and -Dbench.system.seed reshape the run; the defaults fit 2 cores. */
    private static final int RATE = Integer.getInteger("bench.system.rate", 300);
    private static final Duration DURATION = Duration.ofSeconds(Integer.getInteger("bench.system.seconds", 60));
    private static final long SEED = Long.getLong("bench.system.seed", 42);
    /** How long after the last deadline the stragglers may take before a shortfall is reported as such. */
    private static final Duration DRAIN = Duration.ofSeconds(30);

    /** Each service's consumer group and the topics it reads (see the services' application.properties). */
    private static final Map<String, List<Topic>> SERVICES = new LinkedHashMap<>();

    static {
        SERVICES.put("intake", List.of(Topic.CRM_EVENTS));
        SERVICES.put("promise-tracking", List.of(Topic.INTAKE_EVENTS));
        SERVICES.put("recovery-escalation", List.of(Topic.INTAKE_EVENTS, Topic.PROMISE_EVENTS));
        SERVICES.put("loyalty-scoring", List.of(Topic.INTAKE_EVENTS, Topic.PROMISE_EVENTS, Topic.RECOVERY_EVENTS));
    }

    private SystemBench() {
    }

    static void run(String bootstrapServers, BenchDb db, Report report, Path out) throws Exception {
        for (Map.Entry<String, List<Topic>> service : SERVICES.entrySet()) {
            ConsumerGroups.startAtEnd(bootstrapServers, service.getKey(), service.getValue());
        }
        Map<String, QuarkusProcess> services = new LinkedHashMap<>();
        try {
            SERVICES.keySet().forEach(name -> services.put(name, QuarkusProcess.start(
                    Path.of("services", name, "target/quarkus-app/quarkus-run.jar"), out.resolve("system-" + name + ".log"),
                    // as in the intake section: a per-client limit would cap the CRM, not measure the system
                    name.equals("intake") ? Map.of("intake.rate-limit.per-second", "1000000") : Map.of())));
            CompletableFuture.allOf(services.values().stream()
                    .map(process -> CompletableFuture.runAsync(() -> process.awaitReady(Duration.ofSeconds(180))))
                    .toArray(CompletableFuture[]::new)).join();
            measure(bootstrapServers, db, report, out, services);
        } finally {
            services.values().forEach(QuarkusProcess::close);
        }
    }

    private static void measure(String bootstrapServers, BenchDb db, Report report, Path out, Map<String, QuarkusProcess> services)
            throws Exception {
        Timeline timeline = new Timeline(System.currentTimeMillis());
        MixedTraffic traffic = new MixedTraffic("sys-" + UUID.randomUUID().toString().substring(0, 8), RATE, DURATION, SEED,
                timeline);
        SystemObserver observer = new SystemObserver(bootstrapServers, traffic, timeline, db.on("loyalty_scoring"), services);
        try (observer) {
            traffic.run(bootstrapServers);
            Instant deadline = traffic.lastDue.plus(DRAIN);
            while (!observer.caughtUp() && Instant.now().isBefore(deadline)) {
                Thread.sleep(200);
            }
        }
        int seconds = timeline.second(System.currentTimeMillis()) + 1;
        report.add("system", "CRM events sent, mixed traffic (mean / peak second)", rates(timeline, SENT),
                String.format("%,d events, %,d commitments (%,d planned misses), %,d complaints; offered %,d /s for %d s,"
                        + " seed %d", traffic.sent, traffic.commitments, traffic.plannedMisses.size(), traffic.complaintSentAt.size(),
                        RATE, DURATION.toSeconds(), SEED));
        report.add("system", "intake events/s (mean / peak second)", rates(timeline, Topic.INTAKE_EVENTS.topicName()),
                String.format("%,d of %,d arrived; capacity goal ≥ 10,000 /s (intake section)", observer.intakeArrived, traffic.sent));
        report.add("system", "intake: crm.events → intake.events p99", Report.millis(observer.intakeLatency.getValueAtPercentile(99)),
                "p50 " + Report.millis(observer.intakeLatency.getValueAtPercentile(50)));
        report.add("system", "promise miss lateness p50, spread deadlines",
                Report.millis(observer.spreadMissLateness.getValueAtPercentile(50)), "due time → promise.missed published");
        report.add("system", "promise miss lateness p99, spread deadlines",
                Report.millis(observer.spreadMissLateness.getValueAtPercentile(99)), String.format("goal ≤ 100 ms; %,d of %,d"
                        + " planned misses arrived, %,d more (fulfilled, but processed after the deadline)",
                        observer.plannedMissesArrived, traffic.plannedMisses.size(), observer.unplannedMisses));
        report.add("system", "promise miss lateness p99 / max, burst deadlines",
                Report.millis(observer.burstMissLateness.getValueAtPercentile(99)) + " / "
                        + Report.millis(observer.burstMissLateness.getMaxValue()),
                String.format("goal: all emitted ≤ 2,000 ms after; %,d burst misses", observer.burstMissLateness.getTotalCount()));
        report.add("system", "complaint → case opened p99", Report.millis(observer.complaintToCase.getValueAtPercentile(99)),
                String.format("goal ≤ 250 ms; p50 %s; %,d of %,d cases", Report.millis(observer.complaintToCase.getValueAtPercentile(50)),
                        observer.complaintCases, traffic.complaintSentAt.size()));
        report.add("system", "score updates/s (mean / peak second)", rates(timeline, SCORE_UPDATES),
                String.format("no goal; rows in score_history, polled each second; %,d significant on loyalty.events",
                        observer.significantScoreChanges));
        for (String name : services.keySet()) {
            double[] rss = timeline.values(RSS + name, seconds);
            report.add("system", "RSS peak, " + name, Report.mebibytes((long) Arrays.stream(rss).max().orElse(0) << 20),
                    "-Xmx256m; last sample " + Report.mebibytes((long) Arrays.stream(rss).filter(mib -> mib > 0).reduce((first, last) -> last).orElse(0) << 20));
        }
        charts(timeline, observer, seconds, out, report);
    }

    private static void charts(Timeline timeline, SystemObserver observer, int seconds, Path out, Report report)
            throws Exception {
        SystemCharts.throughput(timeline, List.of(SENT, Topic.INTAKE_EVENTS.topicName(), Topic.PROMISE_EVENTS.topicName(),
                Topic.RECOVERY_EVENTS.topicName(), SCORE_UPDATES, Topic.LOYALTY_EVENTS.topicName()), seconds,
                out.resolve("system-throughput.png"));
        Map<String, Histogram> stages = new LinkedHashMap<>();
        stages.put("crm → intake.events", observer.intakeLatency);
        stages.put("promise miss (spread)", observer.spreadMissLateness);
        stages.put("promise miss (burst)", observer.burstMissLateness);
        stages.put("complaint → case", observer.complaintToCase);
        SystemCharts.percentiles(stages, out.resolve("system-latency.png"));
        SystemCharts.lateness(observer.spreadMissLateness, observer.burstMissLateness, out.resolve("system-lateness.png"));
        SystemCharts.memory(timeline, List.copyOf(SERVICES.keySet()), seconds, out.resolve("system-rss.png"));
        report.image("Throughput per stage", "system-throughput.png");
        report.image("Latency percentiles per stage", "system-latency.png");
        report.image("Promise miss lateness", "system-lateness.png");
        report.image("Resident memory per service", "system-rss.png");
    }

    /**
     * Mean and busiest second while new customers arrived (the first DURATION): after it only the planned fulfilments
     * and feedback trickle in, which would dilute the mean.
     */
    private static String rates(Timeline timeline, String series) {
        double[] perSecond = timeline.values(series, (int) DURATION.toSeconds());
        return String.format("%,.0f / %,.0f /s", Arrays.stream(perSecond).average().orElse(0),
                Arrays.stream(perSecond).max().orElse(0));
    }
}
