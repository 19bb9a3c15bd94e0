package org.servicerecovery.reliability.inbox;

import java.net.SocketException;
import java.nio.channels.ClosedChannelException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import io.smallrye.mutiny.Uni;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;

/**
 * Tells a database outage (connection refused or lost, server shutting down or restarting, no connection in time,
 * deadlock, the service's own pool closing at shutdown) from an event that cannot be applied. An outage says nothing
 * about the event: dead-lettering it would lose a valid event, so consumers wait and retry instead; the partition
 * waits with them, as it must, because no event can be applied without the database. Found by killing PostgreSQL under load (make chaos).
 */
public final class DatabaseOutages {

    // connection exceptions (08…), operator intervention: shutdown, crash, cannot connect now (57P…), too many
    // connections, serialization failure and deadlock (the transaction is safe to run again)
    private static final Set<String> TRANSIENT_STATES = Set.of("57P01", "57P02", "57P03", "53300", "40001", "40P01");
    private static final Duration FIRST_PAUSE = Duration.ofMillis(200);
    private static final Duration LONGEST_PAUSE = Duration.ofSeconds(5);

    private DatabaseOutages() {
    }

    public static boolean isOutage(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            // not any IOException: a JSON parse error is one, and retrying a bad event would stop its partition forever
            if (cause instanceof ClosedConnectionException || cause instanceof SocketException
                    || cause instanceof ClosedChannelException || cause instanceof TimeoutException) {
                return true;
            }
            if (isPoolClosing(cause)) {
                return true;
            }
            if (cause instanceof PgException pg && isTransient(pg.getSqlState())) {
                return true;
            }
            // Hibernate Reactive turns the client's PgException into an SQLException with its state, without a cause.
            if (cause instanceof SQLException sql && isTransient(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    /**
     * The service is shutting down under a batch (or the pool lost its connection while closing it): the event was not
     * applied and must be read again after the restart, not dead-lettered. Vert.x reports these as bare messages.
     */
    private static boolean isPoolClosing(Throwable cause) {
        String message = cause.getMessage();
        return cause.getClass().getSimpleName().equals("NoStackTraceThrowable") && message != null
                && (message.equals("Pool closed") || message.startsWith("Connection is not active now"));
    }

    private static boolean isTransient(String sqlState) {
        return sqlState != null && (sqlState.startsWith("08") || TRANSIENT_STATES.contains(sqlState));
    }

    /** Runs {@code work} again (a fresh call, so a fresh transaction) for as long as it fails with an outage. */
    public static <T> Uni<T> retryWhileDown(Supplier<Uni<? extends T>> work) {
        return Uni.createFrom().<T>deferred(work)
                .onFailure(DatabaseOutages::isOutage).retry().withBackOff(FIRST_PAUSE, LONGEST_PAUSE).indefinitely();
    }
}
