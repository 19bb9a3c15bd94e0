package org.servicerecovery.recovery;

import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;
import org.servicerecovery.events.CustomerEvent;
import org.servicerecovery.events.crm.Severity;
import org.servicerecovery.events.domain.RecoveryEscalated;
import org.servicerecovery.reliability.gauges.RowCounts;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;

/**
 * What the chart's dashboard and alerts read: cases_open{severity}, steps_overdue (gauges, recounted periodically from
 * the database so every replica reports the same truth, also after restarts, labelled {@code scope="database"} so that
 * dashboards take the max over replicas, not the sum) and escalations_total. Beyond {@link RowCounts#EXACT_UP_TO} open
 * cases the gauges are PostgreSQL's estimates, so that the recount never reads more than that many cases.
 */
@ApplicationScoped
public class RecoveryMetrics {

    private static final Logger LOG = Logger.getLogger(RecoveryMetrics.class);

    private final Counter escalations;
    private final Map<Severity, AtomicLong> open = new EnumMap<>(Severity.class);
    private final AtomicLong overdue = new AtomicLong();
    private final Pool pool;
    private final Vertx vertx;
    private final RecoveryConfig config;
    private long recountTimer;

    public RecoveryMetrics(MeterRegistry registry, Pool pool, Vertx vertx, RecoveryConfig config) {
        this.escalations = Counter.builder("escalations").description("recovery cases escalated a rung up the ladder")
                .register(registry);
        for (Severity severity : Severity.values()) {
            AtomicLong count = new AtomicLong();
            open.put(severity, count);
            Gauge.builder("cases.open", count, AtomicLong::get).description("recovery cases not resolved; exact while at most "
                            + RowCounts.EXACT_UP_TO + " are open, PostgreSQL's estimate beyond")
                    .tag("severity", severity.name().toLowerCase(Locale.ROOT)).tag("scope", "database").register(registry);
        }
        Gauge.builder("steps.overdue", overdue, AtomicLong::get).description("running steps past their deadline; exact while at most "
                        + RowCounts.EXACT_UP_TO + " cases are open, PostgreSQL's estimate beyond")
                .tag("scope", "database").register(registry);
        this.pool = pool;
        this.vertx = vertx;
        this.config = config;
    }

    void start(@Observes StartupEvent startup) {
        recount();
        recountTimer = vertx.setPeriodic(config.gaugesRefresh().toMillis(), ignored -> recount());
    }

    /** Before the connection pool closes. */
    void stop(@Observes ShutdownEvent shutdown) {
        vertx.cancelTimer(recountTimer);
    }

    public void count(List<CustomerEvent> events) {
        events.stream().filter(RecoveryEscalated.class::isInstance).forEach(event -> escalations.increment());
    }

    private void recount() {
        pool.query("""
                        SELECT severity, count(*), count(*) FILTER (WHERE overdue)
                        FROM (SELECT severity, overdue FROM recovery_case WHERE state <> 'RESOLVED' LIMIT %d) open
                        GROUP BY severity""".formatted(RowCounts.EXACT_UP_TO + 1)).execute()
                .chain(rows -> {
                    Map<Severity, Long> counts = new EnumMap<>(Severity.class);
                    long late = 0;
                    for (Row row : rows) {
                        counts.put(Severity.valueOf(row.getString(0)), row.getLong(1));
                        late += row.getLong(2);
                    }
                    long total = counts.values().stream().mapToLong(Long::longValue).sum();
                    return total <= RowCounts.EXACT_UP_TO ? Uni.createFrom().item(new Counts(counts, late)) : estimates();
                })
                .subscribe().with(counts -> {
                    open.forEach((severity, gauge) -> gauge.set(counts.open().getOrDefault(severity, 0L)));
                    overdue.set(counts.overdue());
                }, failure -> LOG.warnf("Could not count open cases: %s", failure.toString()));
    }

    /** More open cases than an exact count may read: PostgreSQL's estimates, per severity and of the overdue ones. */
    private Uni<Counts> estimates() {
        Map<Severity, Long> counts = new EnumMap<>(Severity.class);
        Uni<Void> bySeverity = Uni.createFrom().voidItem();
        for (Severity severity : Severity.values()) {
            bySeverity = bySeverity.chain(() -> RowCounts.estimate(pool,
                            "recovery_case WHERE state <> 'RESOLVED' AND severity = '%s'".formatted(severity.name())))
                    .invoke(count -> counts.put(severity, count)).replaceWithVoid();
        }
        return bySeverity.chain(() -> RowCounts.estimate(pool, "recovery_case WHERE state <> 'RESOLVED' AND overdue"))
                .map(late -> new Counts(counts, late));
    }

    private record Counts(Map<Severity, Long> open, long overdue) {
    }
}
