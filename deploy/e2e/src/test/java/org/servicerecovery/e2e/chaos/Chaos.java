package org.servicerecovery.e2e.chaos;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.servicerecovery.e2e.Replicas;
import org.servicerecovery.e2e.Service;
import org.servicerecovery.localinfra.KafkaCluster;

/**
 * A chaos run: the whole system, {@link Replicas#count()} replicas of each data service, on its own Kafka and
 * PostgreSQL under a steady CRM load. Then the load stops, the system drains, and the checker reconciles inputs against
 * effects.
 * <ul>
 * <li>{@code kill} mode: every few seconds one victim (one replica of a service, the broker or the database) is killed
 * with SIGKILL and started again; a service's other replicas keep working meanwhile.</li>
 * <li>{@code faults} mode: no service is restarted; the CRM mixes poisoned records into its traffic, and every few
 * seconds the broker goes down for longer than the producers' delivery timeout, PostgreSQL restarts, or an agent and
 * a CRM send requests that must be refused. Every output record must then be published exactly once.</li>
 * <li>{@code brokers} mode: Kafka is a three-node cluster (replication factor 3, {@code min.insync.replicas} 2); no
 * service is restarted; every few seconds one node is killed with SIGKILL and started again, one after the other (a
 * rolling restart), and every fourth cycle two nodes at once, when every {@code acks=all} producer must wait until one
 * returns. Every output record must be published exactly once.</li>
 * </ul>
 *
 * <p>{@code make chaos CYCLES=n MODE=kill|faults|brokers REPLICAS=r} runs {@link #main}: n cycles (random ones in kill
 * and faults mode); exit code 1 on any mismatch.
 */
public final class Chaos {

    private static final Duration QUIESCENCE = Duration.ofMinutes(5);
    /** Longer than the outbox relay's delivery timeout (30 s) and SmallRye's dead-letter producers'. */
    static final Duration BROKER_DOWN = Duration.ofSeconds(Long.getLong("chaos.broker-down-seconds", 60));
    /** Two of the three nodes down: long enough to see every producer wait, shorter than the CRM's delivery timeout. */
    static final Duration TWO_BROKERS_DOWN = Duration.ofSeconds(Long.getLong("chaos.two-brokers-down-seconds", 20));
    /** Acknowledgements of sends the broker completed just before the kill may still arrive this long after it. */
    private static final Duration ACKNOWLEDGEMENTS_IN_FLIGHT = Duration.ofSeconds(1);
    private static final Duration CATCH_UP_LIMIT = Duration.ofMinutes(3);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Random random;
    private final Path servicesDir;
    private final Path logs;
    private final int replicas;
    private final List<String> story = new ArrayList<>();

    Chaos(Random random, Path servicesDir, Path logs, int replicas) {
        this.random = random;
        this.servicesDir = servicesDir;
        this.logs = logs;
        this.replicas = replicas;
    }

    public static void main(String[] args) throws Exception {
        int cycles = args.length > 0 ? Integer.parseInt(args[0]) : 50;
        String mode = args.length > 1 ? args[1].toLowerCase(Locale.ROOT) : "kill";
        long seed = Long.getLong("chaos.seed", System.nanoTime());
        Random random = new Random(seed);
        int replicas = Replicas.count();
        log("seed " + seed + " (-Dchaos.seed to repeat), " + cycles + " cycles, " + mode + " mode, " + replicas
                + " replicas of each service");
        Chaos chaos = new Chaos(random, Path.of(System.getProperty("services.dir", "services")), Path.of("target", "chaos"),
                replicas);
        List<Target> targets = Target.all(replicas);
        Reconciliation result = switch (mode) {
            case "faults" -> chaos.faults(IntStream.range(0, cycles)
                    .mapToObj(i -> Fault.values()[random.nextInt(Fault.values().length)]).toList());
            case "brokers" -> chaos.brokers(BrokerLoss.schedule(cycles, random));
            case "kill" -> chaos.kill(IntStream.range(0, cycles)
                    .mapToObj(i -> targets.get(random.nextInt(targets.size()))).toList());
            default -> throw new IllegalArgumentException("unknown mode " + mode + ": kill, faults or brokers");
        };
        System.out.println(result.report());
        System.exit(result.ok() ? 0 : 1);
    }

    /**
     * Kills each victim in turn and starts it again. A killed replica is started again without waiting for it: the
     * next cycle goes on while it boots, and its siblings carry the load; once the load has stopped, the run waits for
     * every replica before it checks.
     */
    Reconciliation kill(List<Target> victims) throws Exception {
        return run(false, false, (infrastructure, services, crm, checks) -> {
            for (int i = 0; i < victims.size(); i++) {
                killCycle(i + 1, victims.size(), victims.get(i), infrastructure, services, checks);
            }
        });
    }

    /** Injects each fault in turn into the running system, under hostile traffic, and never restarts a replica. */
    Reconciliation faults(List<Fault> faults) throws Exception {
        return run(true, false, (infrastructure, services, crm, checks) -> {
            Map<Target.Replica, Long> pids = services.pids();
            for (int i = 0; i < faults.size(); i++) {
                faultCycle(i + 1, faults.size(), faults.get(i), infrastructure, services, checks);
            }
            if (!services.pids().equals(pids)) {
                checks.problems.add("a service restarted during a faults run: " + pids + " -> " + services.pids());
            }
        });
    }

    /**
     * On a three-node cluster, kills the nodes of each loss together, starts them again and waits until every
     * partition is fully in sync before the next cycle; never restarts a replica. The CRM's producer and the relays
     * send with {@code acks=all}: nothing acknowledged may be lost, and nothing is published twice.
     */
    Reconciliation brokers(List<BrokerLoss> losses) throws Exception {
        return run(false, true, (infrastructure, services, crm, checks) -> {
            Map<Target.Replica, Long> pids = services.pids();
            for (int i = 0; i < losses.size(); i++) {
                brokerCycle(i + 1, losses.size(), losses.get(i), infrastructure, services, crm, checks);
            }
            if (!services.pids().equals(pids)) {
                checks.problems.add("a service restarted during a brokers run: " + pids + " -> " + services.pids());
            }
        });
    }

    /** What the cycles did and found besides the effects of the load. */
    static final class Checks {
        final List<HostileRequests.Answer> answers = new ArrayList<>();
        final List<String> problems = new ArrayList<>();
        /** Services with a replica killed during the run. */
        final Set<Service> servicesKilled = EnumSet.noneOf(Service.class);
        /**
         * The single broker or PostgreSQL was killed during the run. A node of the three-node cluster does not count:
         * its loss must not make anything be published twice.
         */
        boolean infrastructureKilled;
        /** PostgreSQL's statistics of before the run are lost: it was killed. */
        boolean postgresRestarted;
        /** {@code pg_stat_database.deadlocks} before the services started. */
        long deadlocksAtStart;
    }

    private interface Cycles {
        void run(ChaosInfrastructure infrastructure, ChaosServices services, CrmLoad crm, Checks checks) throws Exception;
    }

    private Reconciliation run(boolean faultsMode, boolean clustered, Cycles cycles) throws Exception {
        String run = "chaos" + Long.toHexString(random.nextLong() & 0xffffffL);
        Path runLogs = logs.resolve(run);
        try (ChaosInfrastructure infrastructure = ChaosInfrastructure.start(clustered)) {
            Checks checks = new Checks();
            // Before the services start: replicas starting side by side may race too.
            checks.deadlocksAtStart = Checker.databaseDeadlocks(infrastructure);
            try (ChaosServices services = ChaosServices.start(servicesDir, runLogs, replicas);
                 CrmLoad crm = new CrmLoad(infrastructure.bootstrapServers(), run, random.nextLong(), faultsMode)) {
                log("system up, " + replicas + " replicas of each service (logs in " + runLogs + "); load " + run + " starts");
                crm.start();
                cycles.run(infrastructure, services, crm, checks);
                Inputs inputs = crm.stop();
                long stopped = System.nanoTime();
                services.awaitReady();
                tell(String.format("load stopped after %d events; every replica ready %.1f s later", inputs.events,
                        seconds(stopped)));
                log("waiting for quiescence");
                Optional<String> busy = Quiescence.await(infrastructure, inputs.lastMissDue(), QUIESCENCE);
                log(busy.map(b -> "NOT quiescent after " + QUIESCENCE + ": " + b).orElse("quiescent; checking"));
                Reconciliation result = new Checker(infrastructure, inputs, faultsMode, runLogs).check(story, checks);
                return busy.map(b -> result.withProblem("not quiescent within " + QUIESCENCE + ": " + b)).orElse(result);
            }
        }
    }

    private void killCycle(int n, int of, Target victim, ChaosInfrastructure infrastructure, ChaosServices services,
                           Checks checks) throws Exception {
        // Short: while a replica is down or booting, its siblings keep the load going.
        Thread.sleep(1000 + random.nextInt(2000));
        long start = System.nanoTime();
        if (victim instanceof Target.Replica replica) {
            services.kill(replica);
            checks.servicesKilled.add(replica.service());
            services.restart(replica);
            tell(String.format("cycle %d/%d: kill -9 %s, started again (not awaited)", n, of, victim));
            return;
        }
        checks.infrastructureKilled = true;
        if (victim == Target.Infrastructure.KAFKA) {
            infrastructure.killKafka();
            Thread.sleep(random.nextInt(2000));
            infrastructure.startKafka();
        } else {
            infrastructure.killPostgres();
            checks.postgresRestarted = true;
            Thread.sleep(random.nextInt(2000));
            infrastructure.startPostgres();
        }
        tell(String.format("cycle %d/%d: kill -9 %s, back in %.1f s", n, of, victim, seconds(start)));
    }

    private void brokerCycle(int n, int of, BrokerLoss loss, ChaosInfrastructure infrastructure, ChaosServices services,
                             CrmLoad crm, Checks checks) throws Exception {
        Thread.sleep(2000 + random.nextInt(3000));
        KafkaCluster cluster = infrastructure.cluster();
        long killed = System.nanoTime();
        loss.nodes().forEach(cluster::kill);
        if (!loss.outage()) {
            Thread.sleep(random.nextInt(2000));
            long restarted = System.nanoTime();
            cluster.restart(loss.nodes().get(0));
            double answering = seconds(restarted);
            cluster.awaitFullyReplicated(CATCH_UP_LIMIT);
            tell(String.format("cycle %d/%d: kill -9 %s, started again %.1f s later, answering %.1f s after its start, "
                            + "every partition fully in sync %.1f s after the kill; longest wait for a CRM acknowledgement "
                            + "%.1f s", n, of, loss, (restarted - killed) / 1e9, answering, seconds(killed),
                    seconds(crm.longestWaitForAcknowledgement(killed, System.nanoTime()))));
            return;
        }
        Thread.sleep(TWO_BROKERS_DOWN.toMillis());
        long restarted = System.nanoTime();
        long acknowledgedWhileDown = crm.acknowledgedBetween(killed + ACKNOWLEDGEMENTS_IN_FLIGHT.toNanos(), restarted);
        if (acknowledgedWhileDown > 0) {
            checks.problems.add(acknowledgedWhileDown + " CRM records acknowledged while two of three brokers were down "
                    + "(" + loss + "): acks=all did not wait for the in-sync minimum");
        }
        cluster.restart(loss.nodes().get(0));
        double answering = seconds(restarted);
        awaitSeconds(() -> crm.firstAcknowledgementAfter(restarted).isPresent(), restarted);
        double resumed = crm.firstAcknowledgementAfter(restarted).stream().mapToDouble(at -> (at - restarted) / 1e9)
                .findFirst().orElse(-1);
        Duration held = crm.longestWaitForAcknowledgement(killed, System.nanoTime());
        // Two of three nodes are enough for every service: measured before the third returns.
        double ready = awaitSeconds(() -> allReady(services), restarted);
        double caughtUp = awaitSeconds(() -> outboxesCaughtUp(infrastructure), restarted);
        long secondRestarted = System.nanoTime();
        cluster.restart(loss.nodes().get(1));
        cluster.awaitFullyReplicated(CATCH_UP_LIMIT);
        tell(String.format("cycle %d/%d: kill -9 %s together, down %d s: %d CRM records acknowledged meanwhile; "
                        + "kafka-%d started again, answering in %.1f s; CRM acknowledgements resumed %.1f s after its "
                        + "start, held %.1f s in all; with two nodes every service ready %.1f s and every outbox caught "
                        + "up %.1f s after its start; the third node back and every partition fully in sync %.1f s "
                        + "after its start",
                n, of, loss, TWO_BROKERS_DOWN.toSeconds(), acknowledgedWhileDown, loss.nodes().get(0) + 1,
                answering, resumed, seconds(held), ready, caughtUp, seconds(secondRestarted)));
    }

    private void faultCycle(int n, int of, Fault fault, ChaosInfrastructure infrastructure, ChaosServices services,
                            Checks checks) throws Exception {
        Thread.sleep(2000 + random.nextInt(3000));
        switch (fault) {
            case BROKER_OUTAGE -> {
                infrastructure.killKafka();
                Thread.sleep(BROKER_DOWN.toMillis());
                infrastructure.startKafka();
                long back = System.nanoTime();
                double ready = awaitSeconds(() -> allReady(services), back);
                double caughtUp = awaitSeconds(() -> outboxesCaughtUp(infrastructure), back);
                tell(String.format("cycle %d/%d: broker down %d s (kill -9); after its return every service ready in "
                        + "%.1f s, every outbox caught up in %.1f s", n, of, BROKER_DOWN.toSeconds(), ready, caughtUp));
            }
            case POSTGRES_RESTART -> {
                long start = System.nanoTime();
                infrastructure.killPostgres();
                checks.postgresRestarted = true;
                Thread.sleep(random.nextInt(2000));
                infrastructure.startPostgres();
                double ready = awaitSeconds(() -> allReady(services), start);
                tell(String.format("cycle %d/%d: PostgreSQL kill -9 and restart; every service ready %.1f s after the kill",
                        n, of, ready));
            }
            case HOSTILE_REQUESTS -> {
                Optional<String> openCase = anOpenCase(infrastructure);
                if (openCase.isEmpty()) {
                    tell(String.format("cycle %d/%d: hostile requests skipped, no open case yet", n, of));
                    return;
                }
                List<HostileRequests.Answer> answers = HostileRequests.send(services.port(Service.INTAKE),
                        services.port(Service.RECOVERY_ESCALATION), openCase.get(),
                        infrastructure.token("chaos-agent", "agent", "blue"), infrastructure.token("chaos-crm", "crm", null));
                checks.answers.addAll(answers);
                tell(String.format("cycle %d/%d: hostile requests on case %s: %s", n, of, openCase.get(), answers));
            }
        }
    }

    private static boolean allReady(ChaosServices services) {
        for (int port : services.ports().values()) {
            try {
                HttpResponse<Void> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                                + port + "/q/health/ready")).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() != 200) {
                    return false;
                }
            } catch (Exception e) {
                return false;
            }
        }
        return true;
    }

    /** Every outbox's oldest row is a few seconds old at most: the relays keep up with the load again. */
    private static boolean outboxesCaughtUp(ChaosInfrastructure infrastructure) {
        try (Connection connection = infrastructure.connect(); Statement statement = connection.createStatement()) {
            for (String schema : Quiescence.SCHEMAS) {
                try (ResultSet row = statement.executeQuery("SELECT coalesce(extract(epoch FROM clock_timestamp() - "
                        + "min(created_at)), 0) FROM " + schema + ".outbox")) {
                    row.next();
                    if (row.getDouble(1) > 3) {
                        return false;
                    }
                }
            }
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    private static Optional<String> anOpenCase(ChaosInfrastructure infrastructure) throws Exception {
        try (Connection connection = infrastructure.connect(); Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SELECT id FROM recovery_escalation.recovery_case "
                     + "WHERE state <> 'RESOLVED' ORDER BY opened_at DESC LIMIT 1")) {
            return row.next() ? Optional.of(row.getString(1)) : Optional.empty();
        }
    }

    /** Seconds from {@code start} until {@code condition} holds; -1 if it did not within the catch-up limit of awaiting. */
    private static double awaitSeconds(BooleanSupplier condition, long start) {
        try {
            Awaitility.await().atMost(CATCH_UP_LIMIT)
                    .pollInterval(Duration.ofMillis(250)).until(condition::getAsBoolean);
            return seconds(start);
        } catch (ConditionTimeoutException e) {
            return -1;
        }
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }

    private static double seconds(Duration duration) {
        return duration.toNanos() / 1e9;
    }

    private void tell(String line) {
        story.add(line);
        log(line);
    }

    static void log(String line) {
        System.out.println(LocalTime.now().truncatedTo(ChronoUnit.MILLIS) + " chaos: " + line);
    }
}
