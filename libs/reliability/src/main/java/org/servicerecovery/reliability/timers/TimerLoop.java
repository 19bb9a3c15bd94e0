package org.servicerecovery.reliability.timers;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.postgresql.PGConnection;
import org.servicerecovery.reliability.Periodic;
import org.servicerecovery.reliability.gauges.RowCounts;
import org.servicerecovery.reliability.inbox.DatabaseOutages;
import org.servicerecovery.reliability.watermark.WatermarkGate;

import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.VertxContextSupport;

/**
 * Fires timers within milliseconds of their due time. PostgreSQL is the truth; in memory is only the next due instant,
 * read from the due-time index after every batch and whenever a commit schedules or moves a timer (NOTIFY), so the
 * loop sleeps exactly until the next timer instead of polling. {@code max-idle} bounds the sleep if a notification is
 * lost. Timers that wait for the input watermark ({@link WatermarkGate}) count only once it passed them.
 */
@ApplicationScoped
public class TimerLoop {

    private static final Logger LOG = Logger.getLogger(TimerLoop.class);
    private static final Duration PENDING_REFRESH = Duration.ofSeconds(5);
    private static final Duration STUCK_AFTER = Duration.ofMinutes(1);

    private final AgroalDataSource dataSource;
    private final TimerFiring firing;
    private final String nextDueSql;
    private final Clock clock;
    private final MeterRegistry registry;
    private final String schema;
    private final int batchSize;
    private final int maxAttempts;
    private final Duration maxIdle;
    private final int laneCount;
    private ExecutorService lanes;
    private ScheduledExecutorService gauge;
    private final boolean enabled;
    private final io.micrometer.core.instrument.Timer lateness;
    private final AtomicLong pending = new AtomicLong();
    /** Start (System.nanoTime) of the batch each firing thread is in. */
    private final Map<Thread, Long> batchesRunning = new ConcurrentHashMap<>();
    private volatile boolean running;
    private Thread thread;

    public TimerLoop(AgroalDataSource dataSource, TimerFiring firing, WatermarkGate gate, Clock clock, MeterRegistry registry,
                     @ConfigProperty(name = "service.schema") String schema,
                     @ConfigProperty(name = "reliability.timers.batch-size", defaultValue = "200") int batchSize,
                     @ConfigProperty(name = "reliability.timers.max-attempts", defaultValue = "10") int maxAttempts,
                     @ConfigProperty(name = "reliability.timers.max-idle", defaultValue = "PT1S") Duration maxIdle,
                     @ConfigProperty(name = "reliability.timers.lanes", defaultValue = "4") int laneCount,
                     @ConfigProperty(name = "reliability.timers.enabled", defaultValue = "true") boolean enabled) {
        this.dataSource = dataSource;
        this.firing = firing;
        // Timers held for the watermark are left out: the loop sleeps until the next timer it can fire, and a watermark
        // that advances wakes it as a newly scheduled timer does (NOTIFY). A timer of a kind without a handler is
        // claimed (and parked) by the batch each max-idle runs anyway.
        this.nextDueSql = "SELECT (extract(epoch FROM " + gate.nextReadySql(firing.kinds()) + ") * 1000)::bigint";
        this.clock = clock;
        this.registry = registry;
        this.schema = schema;
        this.batchSize = batchSize;
        this.maxAttempts = maxAttempts;
        this.maxIdle = maxIdle;
        this.laneCount = laneCount;
        this.enabled = enabled;
        this.lateness = io.micrometer.core.instrument.Timer.builder("timers.lateness").publishPercentileHistogram()
                .description("how long after its due time a timer fired").register(registry);
        Gauge.builder("timers.pending", pending, AtomicLong::get).tag("scope", "database")
                .description("timers waiting for their due time, not parked (the same in every replica); exact up to "
                        + RowCounts.EXACT_UP_TO + ", PostgreSQL's estimate beyond").register(registry);
        // At zero from the start: an increase()-based alert only sees a counter's first increment if the series existed.
        for (String kind : firing.kinds()) {
            registry.counter("timers.fired", "kind", kind);
            registry.counter("timers.failures", "kind", kind);
            registry.counter("timers.parked", "kind", kind);
        }
    }

    void start(@Observes StartupEvent startup) {
        if (!enabled) {
            return;
        }
        running = true;
        lanes = Executors.newFixedThreadPool(laneCount, runnable -> {
            Thread lane = new Thread(runnable, "timer-lane");
            lane.setDaemon(true);
            return lane;
        });
        gauge = Periodic.start("timer-pending-gauge", this::refreshPending, PENDING_REFRESH);
        thread = new Thread(this::run, "timer-loop");
        thread.setDaemon(true);
        thread.start();
    }

    /** Before the connection pools close, so no batch is cut in half by the shutdown. */
    void stop(@Observes ShutdownEvent shutdown) throws InterruptedException {
        running = false;
        if (thread != null) {
            thread.interrupt();
            thread.join(TimeUnit.SECONDS.toMillis(10));
            lanes.shutdownNow();
            gauge.shutdownNow();
        }
    }

    private void run() {
        while (running) {
            try (Connection listening = dataSource.getConnection()) {
                listening.setAutoCommit(true);
                try (Statement statement = listening.createStatement()) {
                    statement.execute("LISTEN \"" + schema + "_timer\"");
                }
                fireWhileRunning(listening);
            } catch (Exception e) {
                if (running) {
                    LOG.warnf("Timer loop interrupted by %s; retrying in a second", e.toString());
                    sleep(Duration.ofSeconds(1));
                }
            }
        }
    }

    private void fireWhileRunning(Connection listening) throws SQLException {
        while (running) {
            int fired = fireUntilCaughtUp();
            long waitMillis = millisUntilNextDue(listening);
            if (waitMillis == 0 && fired == 0) {
                // Due timers that another replica holds right now: let it finish instead of spinning.
                waitMillis = 10;
            }
            if (waitMillis > 0) {
                listening.unwrap(PGConnection.class).getNotifications((int) waitMillis);
            }
        }
    }

    /**
     * One batch first; if it was full, a burst is due and several lanes claim disjoint batches (SKIP LOCKED) at once:
     * a batch spends most of its time waiting on database round trips, so the burst drains several times faster.
     */
    private int fireUntilCaughtUp() {
        int fired = fireBatch();
        if (fired < batchSize) {
            return fired;
        }
        List<Future<Integer>> draining = new ArrayList<>();
        for (int lane = 0; lane < laneCount; lane++) {
            draining.add(lanes.submit(this::fireWhileFull));
        }
        for (Future<Integer> lane : draining) {
            try {
                fired += lane.get();
            } catch (ExecutionException e) {
                LOG.errorf(e.getCause(), "A timer lane failed");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return fired;
    }

    private int fireWhileFull() {
        int total = 0;
        int fired;
        do {
            fired = fireBatch();
            total += fired;
        } while (this.running && fired == batchSize);
        return total;
    }

    private int fireBatch() {
        return fireBatch(true);
    }

    private int fireBatch(boolean together) {
        Instant now = clock.instant();
        batchesRunning.put(Thread.currentThread(), System.nanoTime());
        try {
            List<Timer> fired = VertxContextSupport.subscribeAndAwait(() -> firing.fireDue(now, batchSize, together));
            Instant firedAt = clock.instant();
            for (Timer timer : fired) {
                lateness.record(Duration.between(timer.dueAt(), firedAt).toNanos(), TimeUnit.NANOSECONDS);
                registry.counter("timers.fired", "kind", timer.kind()).increment();
            }
            return fired.size();
        } catch (Throwable e) {
            if (!running) {
                return 0;
            }
            if (DatabaseOutages.isOutage(e)) {
                // A lost connection, a deadlock or a serialization failure says nothing about the timers: the whole
                // batch rolled back and is fired again, without costing any of them an attempt.
                LOG.warnf("Firing due timers met %s; retrying the batch shortly", e.toString());
            } else if (e instanceof TimerFiring.HandlerFailed failed) {
                recordFailure(failed);
                return batchSize;
            } else if (e instanceof TimerFiring.BatchFailed) {
                LOG.warnf("%s; firing them one by one", e.getMessage());
                return fireBatch(false);
            } else {
                LOG.errorf(e, "Firing due timers failed; retrying shortly");
            }
            sleep(Duration.ofMillis(200));
            return 0;
        } finally {
            batchesRunning.remove(Thread.currentThread());
        }
    }

    private void recordFailure(TimerFiring.HandlerFailed failed) {
        Timer timer = failed.timer();
        registry.counter("timers.failures", "kind", timer.kind()).increment();
        try {
            boolean parked = VertxContextSupport.subscribeAndAwait(
                    () -> firing.recordFailure(timer, failed.getCause(), clock.instant(), maxAttempts));
            if (parked) {
                registry.counter("timers.parked", "kind", timer.kind()).increment();
                LOG.errorf(failed.getCause(), "Timer %s (%s) parked after %d failed attempts; it needs attention",
                        timer.id(), timer.kind(), timer.attempts() + 1);
            } else {
                LOG.warnf("Timer %s (%s) failed (attempt %d), will retry: %s",
                        timer.id(), timer.kind(), timer.attempts() + 1, failed.getCause());
            }
        } catch (Throwable e) {
            LOG.errorf(e, "Could not record the failure of timer %s", timer.id());
            sleep(Duration.ofMillis(200));
        }
    }

    private long millisUntilNextDue(Connection listening) throws SQLException {
        try (Statement statement = listening.createStatement();
             ResultSet result = statement.executeQuery(nextDueSql)) {
            result.next();
            long next = result.getLong(1);
            if (result.wasNull()) {
                return maxIdle.toMillis();
            }
            return Math.max(0, Math.min(maxIdle.toMillis(), next - clock.millis()));
        }
    }

    /**
     * Even a bounded count ({@link RowCounts}) is a query: never on the firing thread, where it would delay every
     * timer due then.
     * The same task reports a batch that never ends (a handler whose Uni never completes), which stops every timer
     * of the service and would otherwise go unnoticed.
     */
    private void refreshPending() {
        batchesRunning.values().stream().min(Long::compare)
                .map(started -> Duration.ofNanos(System.nanoTime() - started))
                .filter(running -> running.compareTo(STUCK_AFTER) > 0)
                .ifPresent(running -> LOG.errorf("A timer batch has been running for %d s: no timer of this service"
                        + " fires until it ends; a thread dump shows where it waits", running.toSeconds()));
        try (Connection connection = dataSource.getConnection()) {
            pending.set(RowCounts.count(connection, "timer WHERE NOT parked"));
        } catch (SQLException e) {
            LOG.debugf("Could not count pending timers: %s", e);
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
