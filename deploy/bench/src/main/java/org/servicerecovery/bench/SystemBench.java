package org.servicerecovery.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.servicerecovery.events.Topic;
import org.servicerecovery.testing.QuarkusProcess;

/**
 * The four services together under a CRM's mixed traffic ({@link MixedTraffic}) on crm.events, through intake, for a
 * population of customers upserted first (not measured). Two parts, each selectable: a sustained run at one rate, and
 * a step load that finds the knee (the highest rate meeting the latency goals with no growing backlog). Each reports
 * its latencies (each saying what it spans), false and unreported misses, consumer lag and outbox age over time, and
 * CPU per process and per CRM event, with PNG charts in target/bench.
 */
final class SystemBench {

    static final String SENT = "crm.events (sent)";
    static final String SCORE_UPDATES = "score updates (score_history)";

    /** -Dbench.system.* reshape the run; the defaults are the figures and take about 15 minutes in all. */
    private static final int CUSTOMERS = Integer.getInteger("bench.system.customers", 100_000);
    private static final int POPULATION_RATE = Integer.getInteger("bench.system.population-rate", 2_000);
    private static final double ZIPF_EXPONENT = Double.parseDouble(System.getProperty("bench.system.zipf", "0.8"));
    private static final long SEED = Long.getLong("bench.system.seed", 42);
    private static final int RATE = Integer.getInteger("bench.system.rate", 1_000);
    private static final Duration DURATION = Duration.ofSeconds(Integer.getInteger("bench.system.seconds", 300));
    private static final List<Integer> STEPS = Arrays.stream(System.getProperty("bench.system.steps",
            "300,600,1000,1500,2000,3000").split(",")).map(String::trim).map(Integer::valueOf).toList();
    private static final Duration STEP = Duration.ofSeconds(Integer.getInteger("bench.system.step-seconds", 60));
    /** After the last phase, the fulfilments and feedback already planned keep coming for this long. */
    private static final Duration TAIL = Duration.ofSeconds(Integer.getInteger("bench.system.tail-seconds", 20));
    /** How long a backlog may take to drain before the next part (or the report) goes ahead without it. */
    private static final Duration DRAIN = Duration.ofSeconds(Integer.getInteger("bench.system.drain-seconds", 60));
    private static final Duration POPULATION_DRAIN = Duration.ofSeconds(180);
    /**
     * Mixed traffic before anything is measured, for the services' JIT: after the population (one event type), C2
     * still takes a third of each service's CPU for the first minutes of mixed traffic and settles after about four.
     */
    private static final int WARM_UP_RATE = Integer.getInteger("bench.system.warm-up-rate", 600);
    private static final Duration WARM_UP = Duration.ofSeconds(Integer.getInteger("bench.system.warm-up-seconds", 240));

    private static final double MISS_GOAL_MS = 1_000;
    private static final double APOLOGY_GOAL_MS = 1_000;
    private static final double SCORE_GOAL_MS = 2_000;
    private static final double CPU_PER_EVENT_GOAL_MS = 2;

    /** The processes whose CPU is the system's (the goal's "total"); the generator and the bench observer are not. */
    private static final List<String> SYSTEM_PROCESSES = new ArrayList<>(SystemObserver.SERVICES.keySet());

    static {
        SYSTEM_PROCESSES.addAll(List.of(SystemObserver.BROKER, SystemObserver.POSTGRES));
    }

    /** What became of the commitments due in a stretch of time. */
    record Misses(long judged, long planned, long plannedReported, long falseMisses, long falseRetracted,
                  long falseAfterKept, long duplicates, long sentLate) {

        static Misses of(Iterable<MixedTraffic.Commitment> commitments, long from, long to) {
            long judged = 0, planned = 0, reported = 0, falseMisses = 0, retracted = 0, afterKept = 0, duplicates = 0, sentLate = 0;
            for (MixedTraffic.Commitment commitment : commitments) {
                if (commitment.dueMillis < from || commitment.dueMillis >= to) {
                    continue;
                }
                judged++;
                duplicates += commitment.misses > 1 ? 1 : 0;
                sentLate += commitment.sentLate() ? 1 : 0;
                if (commitment.fulfilledBeforeDue()) {
                    if (commitment.misses > 0) {
                        falseMisses++;
                        retracted += commitment.retracted ? 1 : 0;
                        afterKept += commitment.keptMillis != 0 && commitment.keptMillis < commitment.missedMillis ? 1 : 0;
                    }
                } else {
                    planned++;
                    reported += commitment.misses > 0 ? 1 : 0;
                }
            }
            return new Misses(judged, planned, reported, falseMisses, retracted, afterKept, duplicates, sentLate);
        }

        String falseMissText() {
            return String.format("goal 0; of %,d commitments due, those whose commitment.fulfilled was sent dated at or before"
                    + " the due time yet reported promise.missed: %,d later retracted, %,d missed after promise.kept",
                    judged, falseRetracted, falseAfterKept);
        }
    }

    /** A rising or falling series: the means of its first and last windows and its least-squares slope per second. */
    record Trend(double first, double last, double slopePerSecond) {

        static Trend of(double[] values, int window) {
            if (values.length == 0) {
                return new Trend(0, 0, 0);
            }
            int width = Math.max(1, Math.min(window, values.length / 3));
            double meanX = (values.length - 1) / 2.0;
            double meanY = Arrays.stream(values).average().orElse(0);
            double numerator = 0;
            double denominator = 0;
            for (int x = 0; x < values.length; x++) {
                numerator += (x - meanX) * (values[x] - meanY);
                denominator += (x - meanX) * (x - meanX);
            }
            return new Trend(Arrays.stream(values, 0, width).average().orElse(0),
                    Arrays.stream(values, values.length - width, values.length).average().orElse(0),
                    denominator == 0 ? 0 : numerator / denominator);
        }

        String text(String unit) {
            return String.format("%,.0f → %,.0f %s (%+,.1f %s/s)", first, last, unit, slopePerSecond, unit);
        }
    }

    private SystemBench() {
    }

    static void run(String bootstrapServers, long brokerPid, BenchDb db, StatementCosts statements, Report report, Path out,
                    boolean sustained, boolean steps) throws Exception {
        timestampsAtAppend(bootstrapServers);
        for (Map.Entry<String, List<Topic>> service : SystemObserver.SERVICES.entrySet()) {
            ConsumerGroups.startAtEnd(bootstrapServers, service.getKey(), service.getValue());
        }
        Map<String, QuarkusProcess> services = new LinkedHashMap<>();
        try {
            SystemObserver.SERVICES.keySet().forEach(name -> services.put(name, QuarkusProcess.start(
                    Path.of("services", name, "target/quarkus-app/quarkus-run.jar"), out.resolve("system-" + name + ".log"),
                    // as in the intake section: a per-client limit would cap the CRM, not measure the system
                    name.equals("intake") ? Map.of("intake.rate-limit.per-second", "1000000") : Map.of())));
            CompletableFuture.allOf(services.values().stream()
                    .map(process -> CompletableFuture.runAsync(() -> process.awaitReady(Duration.ofSeconds(180))))
                    .toArray(CompletableFuture[]::new)).join();
            Timeline timeline = new Timeline(System.currentTimeMillis());
            try (MixedTraffic traffic = new MixedTraffic(bootstrapServers, "sys-" + UUID.randomUUID().toString().substring(0, 8),
                    CUSTOMERS, ZIPF_EXPONENT, SEED, timeline);
                 SystemObserver observer = new SystemObserver(bootstrapServers, traffic, timeline, db, services, brokerPid)) {
                populate(traffic, observer, report);
                warmUp(traffic, observer, report);
                if (sustained) {
                    sustained(traffic, observer, timeline, statements, report, out);
                }
                if (steps) {
                    steps(traffic, observer, timeline, statements, report, out);
                }
                int seconds = timeline.second(System.currentTimeMillis());
                for (String name : services.keySet()) {
                    double[] rss = timeline.values(SystemObserver.RSS + name, 0, seconds);
                    report.add("system", "RSS peak, " + name, Report.mebibytes((long) Arrays.stream(rss).max().orElse(0) << 20),
                            "-Xmx256m; whole system section");
                }
                SystemCharts.lines("Resident memory per service (-Xmx256m)", "RSS (MiB)", timeline,
                        List.copyOf(services.keySet()), SystemObserver.RSS, 0, seconds, out.resolve("system-rss.png"));
                report.image("Resident memory per service, whole system section", "system-rss.png");
            }
        } finally {
            services.values().forEach(QuarkusProcess::close);
        }
    }

    /**
     * Latencies end at the broker's append of the output record, not at the producer's send: the topics the observer
     * reads take their record timestamps from the broker (no service reads record timestamps).
     */
    private static void timestampsAtAppend(String bootstrapServers) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            Map<ConfigResource, Collection<AlterConfigOp>> changes = new LinkedHashMap<>();
            for (Topic topic : List.of(Topic.INTAKE_EVENTS, Topic.PROMISE_EVENTS, Topic.RECOVERY_EVENTS)) {
                changes.put(new ConfigResource(ConfigResource.Type.TOPIC, topic.topicName()), List.of(new AlterConfigOp(
                        new ConfigEntry("message.timestamp.type", "LogAppendTime"), AlterConfigOp.OpType.SET)));
            }
            admin.incrementalAlterConfigs(changes).all().get();
        }
    }

    /** Every customer upserted through intake before anything is measured; waits until every service has caught up. */
    private static void populate(MixedTraffic traffic, SystemObserver observer, Report report) throws Exception {
        System.out.printf("  population: %,d customers upserted at %,d /s (not measured)%n", traffic.customers, POPULATION_RATE);
        long start = System.currentTimeMillis();
        traffic.populate(POPULATION_RATE);
        long sent = System.currentTimeMillis();
        System.out.printf("  population sent in %.0f s; waiting for every service to catch up%n", (sent - start) / 1000.0);
        boolean drained = drain(observer, null, sent, sent + POPULATION_DRAIN.toMillis());
        long end = System.currentTimeMillis();
        report.add("system", "population: customers upserted (not measured)", String.format("%,d", traffic.customers),
                String.format("customer.upserted through intake at %,d /s in %.0f s; every service caught up %s; "
                        + "activity Zipf-distributed, exponent %.2f, seed %d", POPULATION_RATE, (sent - start) / 1000.0,
                        drained ? String.format("%.0f s later", (end - sent) / 1000.0) : "not within " + POPULATION_DRAIN.toSeconds() + " s",
                        ZIPF_EXPONENT, SEED));
    }

    /** Mixed traffic the figures leave out: what the services' JIT compiles runs before the measured phases. */
    private static void warmUp(MixedTraffic traffic, SystemObserver observer, Report report) throws Exception {
        if (WARM_UP.isZero()) {
            return;
        }
        System.out.printf("  warm-up: %,d CRM events/s for %d s (not in the goals)%n", WARM_UP_RATE, WARM_UP.toSeconds());
        Phase warmUp = new Phase("warm-up", WARM_UP_RATE, WARM_UP);
        long stop = runPhases(traffic, observer, List.of(warmUp));
        boolean drained = drain(observer, traffic, warmUp.startMillis, stop + POPULATION_DRAIN.toMillis());
        report.add("system", "warm-up: mixed CRM traffic (not in the goals)", String.format("%,d events", warmUp.sent),
                String.format("%,d /s for %d s, then %d s of planned fulfilments; backlog %s; for the services' JIT, which"
                        + " compiles the mixed traffic's code for minutes after the population", WARM_UP_RATE,
                        WARM_UP.toSeconds(), TAIL.toSeconds(), drained ? "drained" : "NOT drained within "
                        + POPULATION_DRAIN.toSeconds() + " s"));
        report.add("system", "warm-up (cold services): miss / complaint → apology / score, p99",
                Report.millis(p99(warmUp.missLateness)) + " / " + Report.millis(p99(warmUp.complaintToApology)) + " / "
                        + Report.millis(p99(warmUp.scoreUpdated)),
                "what a service started under load does for its first minutes; the same spans as the goals below");
    }

    /**
     * Waits until every group has read its topics to the end and every outbox is empty, as seen by samples taken after
     * this call, and every planned miss due since {@code from} and a second ago or earlier was reported; at most until
     * {@code deadline}.
     */
    private static boolean drain(SystemObserver observer, MixedTraffic traffic, long from, long deadline)
            throws InterruptedException {
        long stopped = System.currentTimeMillis();
        while (System.currentTimeMillis() < deadline) {
            long now = System.currentTimeMillis();
            if (observer.backlogEmptyAfter(stopped)
                    && (traffic == null || allReported(Misses.of(traffic.commitments.values(), from, now - 1_000)))) {
                return true;
            }
            Thread.sleep(500);
        }
        return false;
    }

    private static boolean allReported(Misses misses) {
        return misses.planned() == misses.plannedReported();
    }

    private static void sustained(MixedTraffic traffic, SystemObserver observer, Timeline timeline,
                                  StatementCosts statements, Report report, Path out) throws Exception {
        System.out.printf("  sustained: %,d CRM events/s for %d s%n", RATE, DURATION.toSeconds());
        Phase phase = new Phase("sustained", RATE, DURATION);
        List<Phase> phases = List.of(phase);
        statements.reset();
        long stop = runPhases(traffic, observer, phases);
        statements.report(report, "system", "sustained", (stop - phase.startMillis) / 1000.0);
        boolean drained = drain(observer, traffic, phase.startMillis, stop + DRAIN.toMillis());
        int from = timeline.second(phase.startMillis);
        int to = timeline.second(phase.endMillis);
        int end = timeline.second(System.currentTimeMillis());
        Misses misses = Misses.of(traffic.commitments.values(), phase.startMillis, stop);

        report.add("system", "sustained: CRM events sent (mean / peak second)", rates(timeline, from, to),
                String.format("offered %,d /s for %d s (%,d events), then %d s of planned fulfilments; backlog %s",
                        RATE, DURATION.toSeconds(), phase.sent, TAIL.toSeconds(),
                        drained ? "drained after" : "NOT drained within " + DRAIN.toSeconds() + " s after"));
        report.add("system", "sustained: promise miss reported, p50 / p99 / max", percentiles(phase.missLateness),
                String.format("goal p99 ≤ 1 s; due time → the broker's append of promise.missed, for %,d misses due in the run"
                        + " (never fulfilled, or fulfilled after the due time)", phase.missLateness.getTotalCount()));
        report.add("system", "sustained: false misses", String.format("%,d", misses.falseMisses()), misses.falseMissText());
        report.add("system", "sustained: planned misses never reported", String.format("%,d of %,d",
                misses.planned() - misses.plannedReported(), misses.planned()),
                String.format("goal 0; due by the end of the traffic, not fulfilled in time (%,d of them planned kept, but the"
                        + " generator sent the fulfilment after the due time); %,d reported twice or more", misses.sentLate(),
                        misses.duplicates()));
        report.add("system", "sustained: complaint → apology step scheduled, p50 / p99 / max", percentiles(phase.complaintToApology),
                String.format("goal p99 ≤ 1 s; complaint.filed sent → the broker's append of recovery.step-started (apology) of the"
                        + " case it opened; seen for %,d of the %,d complaints sent (one that joins its customer's open case"
                        + " starts no apology)", phase.complaintToApology.getTotalCount(), phase.complaints));
        report.add("system", "sustained: loyalty score updated, p50 / p99 / max", percentiles(phase.scoreUpdated),
                String.format("goal p99 ≤ 2 s; CRM event sent → its score_history row (cause_event_id) seen by a poll every"
                        + " 250 ms (an upper bound); %,d events changed a score", phase.scoreUpdated.getTotalCount()));
        report.add("system", "sustained: crm.events → intake.events, p50 / p99 / max", percentiles(phase.intake),
                "sent → the broker's append of intake's event on intake.events");
        Trend lag = Trend.of(sum(timeline, SystemObserver.LAG, SystemObserver.SERVICES.keySet(), from, to), 60);
        report.add("system", "sustained: consumer lag, first → last minute", lag.text("records"),
                "all four groups, records not yet committed; sampled each second; "
                        + (growing(lag, phase) ? "**growing**" : "flat"));
        for (String service : SystemObserver.SERVICES.keySet()) {
            Trend age = Trend.of(timeline.values(SystemObserver.OUTBOX_AGE + service, from, to), 60);
            report.add("system", "sustained: outbox age, " + service + ", first → last minute", age.text("ms"),
                    "oldest row not yet published, sampled each second; " + (age.slopePerSecond() * DURATION.toSeconds() > 1_000
                            ? "**growing**" : "flat"));
        }
        Map<String, Double> cpu = cpuMillis(timeline, observer.processes(), phase);
        double system = SYSTEM_PROCESSES.stream().mapToDouble(cpu::get).sum();
        report.add("system", "sustained: CPU per CRM event, system total", String.format("%.2f ms", system / phase.sent),
                String.format("goal ≤ %.0f ms at 1,000 /s; services, broker and PostgreSQL, from /proc over the %d s", CPU_PER_EVENT_GOAL_MS,
                        to - from));
        for (String process : observer.processes()) {
            report.add("system", "sustained: CPU per CRM event, " + process, String.format("%.3f ms", cpu.get(process) / phase.sent),
                    String.format("%.2f cores%s", cpu.get(process) / 1000 / Math.max(1, to - from),
                            SYSTEM_PROCESSES.contains(process) ? "" : "; not in the total"));
        }

        SystemCharts.lines("Throughput per stage (sustained)", "events / s", timeline, List.of(SENT, Topic.INTAKE_EVENTS.topicName(),
                Topic.PROMISE_EVENTS.topicName(), Topic.RECOVERY_EVENTS.topicName(), SCORE_UPDATES), "", from, end,
                out.resolve("system-throughput.png"));
        SystemCharts.lines("Consumer lag per group (sustained)", "records", timeline, List.copyOf(SystemObserver.SERVICES.keySet()),
                SystemObserver.LAG, from, end, out.resolve("system-lag.png"));
        SystemCharts.lines("Outbox age per service (sustained)", "oldest row (ms)", timeline,
                List.copyOf(SystemObserver.SERVICES.keySet()), SystemObserver.OUTBOX_AGE, from, end, out.resolve("system-outbox-age.png"));
        SystemCharts.cpu(timeline, observer.processes(), from, end, out.resolve("system-cpu.png"));
        Map<String, Histogram> stages = new LinkedHashMap<>();
        stages.put("crm → intake.events", phase.intake);
        stages.put("promise miss", phase.missLateness);
        stages.put("complaint → apology", phase.complaintToApology);
        stages.put("score updated", phase.scoreUpdated);
        SystemCharts.percentiles(stages, out.resolve("system-latency.png"));
        SystemCharts.lateness(phase.missLateness, out.resolve("system-lateness.png"));
        report.image("Sustained: throughput per stage", "system-throughput.png");
        report.image("Sustained: consumer lag", "system-lag.png");
        report.image("Sustained: outbox age", "system-outbox-age.png");
        report.image("Sustained: CPU per process", "system-cpu.png");
        report.image("Sustained: latency percentiles", "system-latency.png");
        report.image("Sustained: promise miss lateness", "system-lateness.png");
    }

    private static void steps(MixedTraffic traffic, SystemObserver observer, Timeline timeline,
                              StatementCosts statements, Report report, Path out) throws Exception {
        System.out.printf("  step load: %s CRM events/s, %d s each%n", STEPS, STEP.toSeconds());
        List<Phase> phases = STEPS.stream().map(rate -> new Phase(rate + " /s", rate, STEP)).toList();
        statements.reset();
        long stop = runPhases(traffic, observer, phases);
        statements.report(report, "system", "step load", (stop - phases.get(0).startMillis) / 1000.0);
        boolean drained = drain(observer, traffic, phases.get(0).startMillis, stop + DRAIN.toMillis());
        List<String> labels = STEPS.stream().map(rate -> String.format("%,d", rate)).toList();
        List<String> processes = observer.processes();
        Map<String, double[]> p99 = new LinkedHashMap<>();
        p99.put("promise miss reported", new double[phases.size()]);
        p99.put("complaint → apology", new double[phases.size()]);
        p99.put("score updated", new double[phases.size()]);
        Map<String, double[]> cores = new LinkedHashMap<>();
        Map<String, double[]> perEvent = new LinkedHashMap<>();
        processes.forEach(process -> {
            cores.put(process, new double[phases.size()]);
            perEvent.put(process, new double[phases.size()]);
        });
        List<List<String>> latencyRows = new ArrayList<>();
        List<List<String>> cpuRows = new ArrayList<>();
        String knee = "none";
        for (int i = 0; i < phases.size(); i++) {
            Phase phase = phases.get(i);
            int from = timeline.second(phase.startMillis);
            int to = timeline.second(phase.endMillis);
            Misses misses = Misses.of(traffic.commitments.values(), phase.startMillis,
                    i == phases.size() - 1 ? stop : phase.endMillis);
            Trend lag = Trend.of(sum(timeline, SystemObserver.LAG, SystemObserver.SERVICES.keySet(), from, to), 20);
            double outboxSlope = SystemObserver.SERVICES.keySet().stream().mapToDouble(service ->
                    Trend.of(timeline.values(SystemObserver.OUTBOX_AGE + service, from, to), 20).slopePerSecond()).max().orElse(0);
            boolean growing = growing(lag, phase) || outboxSlope * STEP.toSeconds() > 1_000;
            double miss = p99(phase.missLateness);
            double apology = p99(phase.complaintToApology);
            double score = p99(phase.scoreUpdated);
            p99.get("promise miss reported")[i] = miss;
            p99.get("complaint → apology")[i] = apology;
            p99.get("score updated")[i] = score;
            boolean met = !growing && miss <= MISS_GOAL_MS && apology <= APOLOGY_GOAL_MS && score <= SCORE_GOAL_MS
                    && phase.missLateness.getTotalCount() > 0 && phase.complaintToApology.getTotalCount() > 0
                    && phase.scoreUpdated.getTotalCount() > 0;
            if (met) {
                knee = labels.get(i) + " /s";
            }
            latencyRows.add(List.of(labels.get(i), String.format("%,.0f", (double) phase.sent / STEP.toSeconds()),
                    p99Text(phase.missLateness), p99Text(phase.complaintToApology), p99Text(phase.scoreUpdated),
                    p99Text(phase.intake),
                    lag.text("records"), String.format("%+,.0f ms/s", outboxSlope),
                    String.format("%,d", misses.falseMisses()), String.format("%,d", misses.planned() - misses.plannedReported()),
                    met ? "yes" : "**no**"));
            Map<String, Double> cpu = cpuMillis(timeline, processes, phase);
            List<String> row = new ArrayList<>(List.of(labels.get(i)));
            for (String process : processes) {
                cores.get(process)[i] = cpu.get(process) / 1000 / Math.max(1, to - from);
                perEvent.get(process)[i] = cpu.get(process) / Math.max(1, phase.sent);
                row.add(String.format("%.2f / %.3f", cores.get(process)[i], perEvent.get(process)[i]));
            }
            double system = SYSTEM_PROCESSES.stream().mapToDouble(cpu::get).sum();
            row.add(String.format("%.2f / **%.2f**", system / 1000 / Math.max(1, to - from), system / Math.max(1, phase.sent)));
            cpuRows.add(row);
        }
        report.add("system", "step load: knee (highest step meeting the goals)", knee,
                String.format("goals: promise miss p99 ≤ 1 s, complaint → apology p99 ≤ 1 s, score p99 ≤ 2 s, no growing backlog;"
                        + " steps of %d s; backlog %s", STEP.toSeconds(),
                        drained ? "drained after the last step" : "NOT drained within " + DRAIN.toSeconds() + " s of the last step"));
        report.table("Step load: latencies per step (p99; each sample charged to the step its clock started in)",
                List.of("offered /s", "sent /s", "miss reported (due → promise.missed appended)",
                        "complaint → apology step-started appended", "event sent → score_history row seen (250 ms poll)",
                        "crm.events → intake.events", "consumer lag, first → last third (slope)", "outbox age slope (worst service)",
                        "false misses (goal 0)", "planned misses not reported", "meets the goals"), latencyRows);
        List<String> cpuHeader = new ArrayList<>(List.of("offered /s"));
        processes.forEach(process -> cpuHeader.add(process + " (cores / ms per event)"));
        cpuHeader.add("system total: services + broker + PostgreSQL (cores / ms per event; goal ≤ 2 ms at 1,000 /s)");
        report.table("Step load: CPU per process (from /proc, utime + stime)", cpuHeader, cpuRows);

        Map<String, long[]> counts = new LinkedHashMap<>();
        counts.put("promise miss reported", phases.stream().mapToLong(phase -> phase.missLateness.getTotalCount()).toArray());
        counts.put("complaint → apology", phases.stream().mapToLong(phase -> phase.complaintToApology.getTotalCount()).toArray());
        counts.put("score updated", phases.stream().mapToLong(phase -> phase.scoreUpdated.getTotalCount()).toArray());
        Map<String, Double> goals = new LinkedHashMap<>();
        goals.put("goal: miss, apology (1 s)", MISS_GOAL_MS);
        goals.put("goal: score (2 s)", SCORE_GOAL_MS);
        SystemCharts.knee(STEPS, p99, counts, goals, out.resolve("system-knee.png"));
        SystemCharts.stacked("Step load: CPU per process", "cores", labels, cores, out.resolve("system-knee-cpu.png"));
        SystemCharts.stacked("Step load: CPU per CRM event", "CPU ms per event", labels, perEvent,
                out.resolve("system-knee-cpu-per-event.png"));
        int from = timeline.second(phases.get(0).startMillis);
        int end = timeline.second(System.currentTimeMillis());
        SystemCharts.lines("Consumer lag per group (step load)", "records", timeline, List.copyOf(SystemObserver.SERVICES.keySet()),
                SystemObserver.LAG, from, end, out.resolve("system-steps-lag.png"));
        SystemCharts.lines("Throughput per stage (step load)", "events / s", timeline, List.of(SENT, Topic.INTAKE_EVENTS.topicName(),
                Topic.PROMISE_EVENTS.topicName(), Topic.RECOVERY_EVENTS.topicName(), SCORE_UPDATES), "", from, end,
                out.resolve("system-steps-throughput.png"));
        report.image("Step load: p99 per step against the goals", "system-knee.png");
        report.image("Step load: CPU per process", "system-knee-cpu.png");
        report.image("Step load: CPU per CRM event", "system-knee-cpu-per-event.png");
        report.image("Step load: consumer lag", "system-steps-lag.png");
        report.image("Step load: throughput per stage", "system-steps-throughput.png");
    }

    /** Runs the phases and the tail; returns when the generator stopped (epoch ms). */
    private static long runPhases(MixedTraffic traffic, SystemObserver observer, List<Phase> phases) throws Exception {
        observer.track(phases);
        traffic.run(phases, TAIL);
        return System.currentTimeMillis();
    }

    /** A backlog grows when the lag rose by more than one second of the offered traffic over the phase. */
    private static boolean growing(Trend lag, Phase phase) {
        return lag.slopePerSecond() * phase.duration.toSeconds() > phase.rate;
    }

    private static Map<String, Double> cpuMillis(Timeline timeline, List<String> processes, Phase phase) {
        int from = timeline.second(phase.startMillis);
        int to = timeline.second(phase.endMillis);
        Map<String, Double> millis = new LinkedHashMap<>();
        processes.forEach(process -> millis.put(process,
                (double) (timeline.total(SystemObserver.CPU + process, to) - timeline.total(SystemObserver.CPU + process, from))));
        return millis;
    }

    private static double[] sum(Timeline timeline, String prefix, Iterable<String> names, int from, int to) {
        double[] total = new double[Math.max(0, to - from)];
        for (String name : names) {
            double[] values = timeline.values(prefix + name, from, to);
            for (int i = 0; i < total.length; i++) {
                total[i] += values[i];
            }
        }
        return total;
    }

    private static double p99(Histogram histogram) {
        return histogram.getValueAtPercentile(99);
    }

    private static String p99Text(Histogram histogram) {
        return histogram.getTotalCount() == 0 ? "no samples" : Report.millis(p99(histogram));
    }

    /** p50 / p99 / max. */
    private static String percentiles(Histogram histogram) {
        return histogram.getTotalCount() == 0 ? "no samples" : Report.millis(histogram.getValueAtPercentile(50)) + " / "
                + Report.millis(p99(histogram)) + " / " + Report.millis(histogram.getMaxValue());
    }

    private static String rates(Timeline timeline, int from, int to) {
        double[] perSecond = timeline.values(SENT, from, to);
        return String.format("%,.0f / %,.0f /s", Arrays.stream(perSecond).average().orElse(0),
                Arrays.stream(perSecond).max().orElse(0));
    }
}
