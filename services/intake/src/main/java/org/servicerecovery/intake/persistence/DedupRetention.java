package org.servicerecovery.intake.persistence;

import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;
import org.servicerecovery.intake.IntakeConfig;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Forgets de-duplication keys (and the raw events they belong to) older than {@code intake.dedup.retention}, every
 * {@code intake.dedup.cleanup-interval}. Deletes in chunks so a large backlog never holds long locks; every replica
 * may run it, a row is deleted once either way.
 */
@ApplicationScoped
public class DedupRetention {

    private static final Logger LOG = Logger.getLogger(DedupRetention.class);
    private static final int CHUNK = 10_000;

    private final Pool pool;
    private final Vertx vertx;
    private final Clock clock;
    private final Duration retention;
    private final Duration interval;
    private long timerId = -1;

    public DedupRetention(Pool pool, Vertx vertx, Clock clock, IntakeConfig config) {
        this.pool = pool;
        this.vertx = vertx;
        this.clock = clock;
        this.retention = config.dedup().retention();
        this.interval = config.dedup().cleanupInterval();
    }

    void start(@Observes StartupEvent startup) {
        timerId = vertx.setPeriodic(interval.toMillis(), ignored -> purge().subscribe().with(
                deleted -> LOG.debugf("Forgot %d de-duplication keys older than %s", deleted, retention),
                failure -> LOG.warnf("Could not purge old de-duplication keys: %s", failure.toString())));
    }

    /** Before the connection pool closes. */
    void stop(@Observes ShutdownEvent shutdown) {
        vertx.cancelTimer(timerId);
    }

    /** Deletes every key received before now minus the retention; the number deleted. */
    public Uni<Long> purge() {
        OffsetDateTime cutoff = OffsetDateTime.now(clock).minus(retention).withOffsetSameInstant(ZoneOffset.UTC);
        return purgeFrom(cutoff, 0);
    }

    private Uni<Long> purgeFrom(OffsetDateTime cutoff, long deletedSoFar) {
        return pool.preparedQuery("""
                        DELETE FROM inbound_event WHERE ctid IN (
                            SELECT ctid FROM inbound_event WHERE received_at < $1 LIMIT $2)""")
                .execute(Tuple.of(cutoff, CHUNK))
                .chain(rows -> rows.rowCount() == CHUNK
                        ? purgeFrom(cutoff, deletedSoFar + CHUNK)
                        : Uni.createFrom().item(deletedSoFar + rows.rowCount()));
    }
}
