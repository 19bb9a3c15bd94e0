package org.servicerecovery.reliability.watermark;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;
import org.servicerecovery.reliability.Periodic;

import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Says when the input watermark is late, so that held decisions are never a silent guess: every second it reads the
 * watermark; it counts the timers held past their due time every second while the watermark is late (or just was), and
 * every {@link #HELD_RECOUNT} while it is on time: a count walks an index range of up to {@value #HELD_COUNT_CAP}
 * timers, tens of milliseconds of database time a second at a thousand events a second, where the watermark read is one
 * row per partition. Exports
 * {@code input_watermark_lag_seconds} and {@code timers_held}, logs a WARN once when the lag exceeds
 * {@code reliability.watermark.late-after} and an INFO when it is back. Only in services with a timer kind that awaits
 * the watermark.
 */
@ApplicationScoped
public class InputWatermarkMonitor {

    /** What the health check and the gauges show. */
    public record State(Optional<Instant> watermark, double lagSeconds, long heldTimers, boolean late) {
    }

    private static final Logger LOG = Logger.getLogger(InputWatermarkMonitor.class);
    private static final Duration REFRESH = Duration.ofSeconds(1);
    /** As often as Prometheus scrapes, about. */
    private static final Duration HELD_RECOUNT = Duration.ofSeconds(10);
    static final int HELD_COUNT_CAP = 100_000;

    private final AgroalDataSource dataSource;
    private final WatermarkGate gate;
    private final Clock clock;
    private final String watermarkSql;
    private final String heldSql;
    private final Instant startedAt;
    private volatile State state;
    private long countedAtNanos;
    private ScheduledExecutorService refresher;

    public InputWatermarkMonitor(AgroalDataSource dataSource, WatermarkGate gate, Clock clock, MeterRegistry registry) {
        this.dataSource = dataSource;
        this.gate = gate;
        this.clock = clock;
        this.startedAt = clock.instant();
        this.countedAtNanos = System.nanoTime() - HELD_RECOUNT.toNanos();
        this.state = new State(Optional.empty(), 0, 0, false);
        this.watermarkSql = "SELECT (extract(epoch FROM " + InputWatermarks.sqlOf(gate.topic()) + ") * 1000)::bigint";
        this.heldSql = "SELECT count(*) FROM (SELECT 1 FROM timer WHERE NOT parked AND " + gate.heldSql("CAST(? AS timestamptz)")
                + " LIMIT " + HELD_COUNT_CAP + ") AS held";
        if (gate.active()) {
            Gauge.builder("input.watermark.lag.seconds", this, monitor -> monitor.state.lagSeconds())
                    .tag("topic", gate.topic())
                    .description("how far the input watermark is behind this service's clock (since start while unknown)")
                    .register(registry);
            Gauge.builder("timers.held", this, monitor -> monitor.state.heldTimers())
                    .description("timers past their due time held until the input watermark passes them (at most "
                            + HELD_COUNT_CAP + " counted)")
                    .register(registry);
        }
    }

    void start(@Observes StartupEvent startup) {
        if (!gate.active()) {
            return;
        }
        refresher = Periodic.start("input-watermark-monitor", this::refresh, REFRESH);
    }

    void stop(@Observes ShutdownEvent shutdown) {
        if (refresher != null) {
            refresher.shutdownNow();
        }
    }

    public boolean active() {
        return gate.active();
    }

    public WatermarkGate gate() {
        return gate;
    }

    public State state() {
        return state;
    }

    private void refresh() {
        Instant now = clock.instant();
        try (Connection connection = dataSource.getConnection()) {
            Optional<Instant> watermark = watermark(connection);
            double lag = Math.max(0, Duration.between(watermark.orElse(startedAt), now).toMillis() / 1000.0);
            boolean late = lag > gate.lateAfter().toMillis() / 1000.0;
            State before = state;
            long held = before.heldTimers();
            if (late || before.late() || System.nanoTime() - countedAtNanos >= HELD_RECOUNT.toNanos()) {
                held = heldTimers(connection, now);
                countedAtNanos = System.nanoTime();
            }
            report(before, new State(watermark, lag, held, late));
        } catch (SQLException | RuntimeException e) {
            LOG.debugf("Could not read the input watermark: %s", e);
        }
    }

    private Optional<Instant> watermark(Connection connection) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(watermarkSql);
             ResultSet result = statement.executeQuery()) {
            result.next();
            long millis = result.getLong(1);
            return result.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(millis));
        }
    }

    private long heldTimers(Connection connection, Instant now) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(heldSql)) {
            statement.setObject(1, OffsetDateTime.ofInstant(now, ZoneOffset.UTC));
            try (ResultSet result = statement.executeQuery()) {
                result.next();
                return result.getLong(1);
            }
        }
    }

    private void report(State before, State after) {
        state = after;
        if (after.late() && !before.late()) {
            LOG.warnf("The input watermark of %s is late: %s, %.1f s behind (late after %d s); %d timers past their due"
                            + " time are held until it advances. Is intake running and caught up on crm.events?",
                    gate.topic(), after.watermark().map(Instant::toString).orElse("unknown"), after.lagSeconds(),
                    gate.lateAfter().toSeconds(), after.heldTimers());
        } else if (!after.late() && before.late()) {
            LOG.infof("The input watermark of %s is on time again (%.1f s behind); held timers fire now",
                    gate.topic(), after.lagSeconds());
        }
    }
}
