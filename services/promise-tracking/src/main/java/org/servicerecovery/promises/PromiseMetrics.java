package org.servicerecovery.promises;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;
import org.servicerecovery.events.CustomerEvent;
import org.servicerecovery.events.domain.PromiseKept;
import org.servicerecovery.events.domain.PromiseMissed;
import org.servicerecovery.reliability.gauges.RowCounts;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * promises_pending, promises_missed_total, promises_kept_total and promises_miss_lateness_seconds (due time to the
 * timer's transaction, histogram). The pending gauge is recounted periodically from the database, so it is right for
 * every replica and after restarts; every replica reports the same count, labelled {@code scope="database"} so that
 * dashboards take the max over replicas, not the sum. Beyond {@link RowCounts#EXACT_UP_TO} pending promises it is
 * PostgreSQL's estimate, so that a million pending promises are not counted every few seconds.
 */
@ApplicationScoped
public class PromiseMetrics {

    private static final Logger LOG = Logger.getLogger(PromiseMetrics.class);

    private final Counter missed;
    private final Counter kept;
    private final Timer missLateness;
    private final AtomicLong pending = new AtomicLong();
    private final Pool pool;
    private final Vertx vertx;
    private final Duration refresh;
    private long recountTimer;

    public PromiseMetrics(MeterRegistry registry, Pool pool, Vertx vertx, PromisesConfig config) {
        this.missed = Counter.builder("promises.missed").description("promises that passed their due time unfulfilled")
                .register(registry);
        this.kept = Counter.builder("promises.kept").description("promises fulfilled at or before their due time")
                .register(registry);
        this.missLateness = Timer.builder("promises.miss.lateness").publishPercentileHistogram()
                .description("from a promise's due time to the transaction that reports it missed").register(registry);
        Gauge.builder("promises.pending", pending, AtomicLong::get).tag("scope", "database")
                .description("promises waiting for their fulfilment or deadline; exact up to " + RowCounts.EXACT_UP_TO
                        + ", PostgreSQL's estimate beyond").register(registry);
        this.pool = pool;
        this.vertx = vertx;
        this.refresh = config.pendingGaugeRefresh();
    }

    void start(@Observes StartupEvent startup) {
        recount();
        recountTimer = vertx.setPeriodic(refresh.toMillis(), ignored -> recount());
    }

    /** Before the connection pool closes. */
    void stop(@Observes ShutdownEvent shutdown) {
        vertx.cancelTimer(recountTimer);
    }

    public void count(List<CustomerEvent> events) {
        for (CustomerEvent event : events) {
            if (event instanceof PromiseMissed) {
                missed.increment();
            } else if (event instanceof PromiseKept) {
                kept.increment();
            }
        }
    }

    public void missDetected(PromiseMissed event) {
        missLateness.record(Duration.ofMillis(event.latenessMillis()));
    }

    private void recount() {
        RowCounts.count(pool, "promise WHERE state = 'PENDING'")
                .subscribe().with(pending::set,
                        failure -> LOG.warnf("Could not count pending promises: %s", failure.toString()));
    }
}
