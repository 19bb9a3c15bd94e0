package org.servicerecovery.e2e.chaos;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * A chaos run: the whole system on its own Kafka and PostgreSQL under a steady CRM load, while every few seconds one
 * victim (a service, the broker or the database) is killed with SIGKILL and started again. Then the load stops, the
 * system drains, and the checker reconciles inputs against effects.
 *
 * <p>{@code make chaos CYCLES=n} runs {@link #main}: n random victims; exit code 1 on any mismatch.
 */
public final class Chaos {

    private static final Duration QUIESCENCE = Duration.ofMinutes(5);

    private final Random random;
    private final Path servicesDir;
    private final Path logs;
    private final List<String> story = new ArrayList<>();

    Chaos(Random random, Path servicesDir, Path logs) {
        this.random = random;
        this.servicesDir = servicesDir;
        this.logs = logs;
    }

    public static void main(String[] args) throws Exception {
        int cycles = args.length > 0 ? Integer.parseInt(args[0]) : 50;
        long seed = Long.getLong("chaos.seed", System.nanoTime());
        Random random = new Random(seed);
        List<Target> victims = IntStream.range(0, cycles)
                .mapToObj(i -> Target.values()[random.nextInt(Target.values().length)]).toList();
        log("seed " + seed + " (-Dchaos.seed to repeat), " + cycles + " cycles");
        Reconciliation result = new Chaos(random, Path.of(System.getProperty("services.dir", "services")),
                Path.of("target", "chaos")).run(victims);
        System.out.println(result.report());
        System.exit(result.ok() ? 0 : 1);
    }

    Reconciliation run(List<Target> victims) throws Exception {
        String run = "chaos" + Long.toHexString(random.nextLong() & 0xffffffL);
        try (ChaosInfrastructure infrastructure = ChaosInfrastructure.start();
             ChaosServices services = ChaosServices.start(servicesDir, logs.resolve(run));
             CrmLoad crm = new CrmLoad(infrastructure.bootstrapServers(), run, random.nextLong())) {
            log("system up (service logs in " + logs.resolve(run) + "); load " + run + " starts");
            crm.start();
            for (int i = 0; i < victims.size(); i++) {
                cycle(i + 1, victims.size(), victims.get(i), infrastructure, services);
            }
            Inputs inputs = crm.stop();
            log("load stopped after " + inputs.events + " events; waiting for quiescence");
            Optional<String> busy = Quiescence.await(infrastructure, inputs.lastMissDue(), QUIESCENCE);
            log(busy.map(b -> "NOT quiescent after " + QUIESCENCE + ": " + b).orElse("quiescent; checking"));
            Reconciliation result = new Checker(infrastructure, inputs).check(story);
            return busy.map(b -> result.withProblem("not quiescent within " + QUIESCENCE + ": " + b)).orElse(result);
        }
    }

    private void cycle(int n, int of, Target victim, ChaosInfrastructure infrastructure, ChaosServices services)
            throws Exception {
        Thread.sleep(2000 + random.nextInt(3000));
        long start = System.nanoTime();
        switch (victim) {
            case KAFKA -> {
                infrastructure.killKafka();
                Thread.sleep(random.nextInt(2000));
                infrastructure.startKafka();
            }
            case POSTGRES -> {
                infrastructure.killPostgres();
                Thread.sleep(random.nextInt(2000));
                infrastructure.startPostgres();
            }
            default -> {
                services.kill(victim);
                services.restart(victim);
            }
        }
        String line = String.format("cycle %d/%d: kill -9 %s, back in %.1f s", n, of, victim,
                (System.nanoTime() - start) / 1e9);
        story.add(line);
        log(line);
    }

    static void log(String line) {
        System.out.println(LocalTime.now().truncatedTo(ChronoUnit.MILLIS) + " chaos: " + line);
    }
}
