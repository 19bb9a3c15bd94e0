package org.servicerecovery.reliability.outbox;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.servicerecovery.reliability.Periodic;
import org.servicerecovery.reliability.gauges.RowCounts;

import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Whether the outbox is moving, as every replica sees it in the database: the backlog, its oldest row, the parked rows,
 * and progress — the outbox empty, or its oldest row gone since the last look (published or parked, by whichever
 * replica relays), looked at every few seconds. Exposed as metrics and as the readiness check {@link OutboxRelayCheck}.
 */
@ApplicationScoped
public class OutboxProgress {

    private static final Logger LOG = Logger.getLogger(OutboxProgress.class);
    private static final Duration REFRESH = Duration.ofSeconds(5);

    private final AgroalDataSource dataSource;
    private final Duration stallAfter;
    private final boolean enabled;
    private final Counter parkedTotal;
    private final AtomicLong backlog = new AtomicLong();
    private final AtomicLong oldestAgeSeconds = new AtomicLong();
    private final AtomicLong parked = new AtomicLong();
    private final AtomicLong lastProgressNanos = new AtomicLong(System.nanoTime());
    private long oldestIdSeen = -1;
    private ScheduledExecutorService refresher;

    public OutboxProgress(AgroalDataSource dataSource, MeterRegistry registry,
                          @ConfigProperty(name = "reliability.outbox.stall-after", defaultValue = "PT60S") Duration stallAfter,
                          @ConfigProperty(name = "reliability.outbox.enabled", defaultValue = "true") boolean enabled) {
        this.dataSource = dataSource;
        this.stallAfter = stallAfter;
        this.enabled = enabled;
        // Registered at start, at zero: an increase()-based alert only sees a counter's first increment if the series
        // existed before it.
        this.parkedTotal = Counter.builder("outbox.parked")
                .description("outbox rows Kafka refused for good and the relay parked").register(registry);
        // What the database holds, the same in every replica: scope="database" tells dashboards and alerts to take
        // the max over replicas, not the sum.
        Gauge.builder("outbox.backlog", backlog, AtomicLong::get).tag("scope", "database")
                .description("outbox rows waiting to be published; exact up to " + RowCounts.EXACT_UP_TO
                        + ", PostgreSQL's estimate beyond").register(registry);
        Gauge.builder("outbox.oldest.age.seconds", oldestAgeSeconds, AtomicLong::get).tag("scope", "database")
                .description("age of the first unpublished outbox row (lowest id)").register(registry);
        Gauge.builder("outbox.parked.rows", parked, AtomicLong::get).tag("scope", "database")
                .description("outbox rows parked because Kafka refused them for good; exact up to "
                        + RowCounts.EXACT_UP_TO + ", PostgreSQL's estimate beyond").register(registry);
        Gauge.builder("outbox.seconds.since.progress", this, OutboxProgress::secondsSinceProgress).tag("scope", "database")
                .description("seconds since the outbox's oldest row last changed while rows wait").register(registry);
    }

    void start(@Observes StartupEvent startup) {
        if (!enabled) {
            return;
        }
        refresher = Periodic.start("outbox-progress", this::refresh, REFRESH);
    }

    void stop(@Observes ShutdownEvent shutdown) {
        if (refresher != null) {
            refresher.shutdownNow();
        }
    }

    /** The relay published or parked rows. */
    void progressed() {
        lastProgressNanos.set(System.nanoTime());
    }

    void parked(int rows) {
        parkedTotal.increment(rows);
        parked.addAndGet(rows);
        progressed();
    }

    /** 0 while nothing waits. */
    public long secondsSinceProgress() {
        return backlog.get() == 0 ? 0 : Duration.ofNanos(System.nanoTime() - lastProgressNanos.get()).toSeconds();
    }

    boolean enabled() {
        return enabled;
    }

    Duration stallAfter() {
        return stallAfter;
    }

    long backlog() {
        return backlog.get();
    }

    long oldestAgeSeconds() {
        return oldestAgeSeconds.get();
    }

    long parkedRows() {
        return parked.get();
    }

    private void refresh() {
        try (Connection connection = dataSource.getConnection()) {
            long rows = RowCounts.count(connection, "outbox");
            long oldestId = -1;
            long oldestAge = 0;
            // The lowest id is the oldest row give or take concurrent inserts; min(created_at) would read every row.
            try (Statement statement = connection.createStatement();
                 ResultSet oldest = statement.executeQuery("""
                         SELECT id, extract(epoch FROM clock_timestamp() - created_at)::bigint
                         FROM outbox ORDER BY id LIMIT 1""")) {
                if (oldest.next()) {
                    oldestId = oldest.getLong(1);
                    oldestAge = Math.max(0, oldest.getLong(2));
                }
            }
            if (rows == 0 || oldestId != oldestIdSeen) {
                progressed();
            }
            oldestIdSeen = oldestId;
            backlog.set(rows);
            oldestAgeSeconds.set(oldestAge);
            parked.set(RowCounts.count(connection, "outbox_parked"));
        } catch (SQLException e) {
            LOG.debugf("Could not look at the outbox: %s", e);
        }
    }
}
