package org.servicerecovery.reliability.testapp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ConnectException;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicInteger;

import org.hibernate.exception.GenericJDBCException;
import org.junit.jupiter.api.Test;
import org.servicerecovery.reliability.inbox.DatabaseOutages;

import com.fasterxml.jackson.core.JsonParseException;

import io.smallrye.mutiny.Uni;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;

/** A lost database is waited for; a bad event is not retried, so it can be dead-lettered. */
class DatabaseOutagesTest {

    @Test
    void connectionLossesShutdownsAndDeadlocksAreOutages() {
        assertTrue(DatabaseOutages.isOutage(new IllegalStateException("wrapped", new ConnectException("refused"))));
        assertTrue(DatabaseOutages.isOutage(ClosedConnectionException.INSTANCE));
        assertTrue(DatabaseOutages.isOutage(new PgException("terminating connection", "FATAL", "57P01", null)));
        assertTrue(DatabaseOutages.isOutage(new PgException("deadlock detected", "ERROR", "40P01", null)));
        // As Hibernate Reactive reports them: the state in an SQLException, the PgException gone.
        assertTrue(DatabaseOutages.isOutage(new GenericJDBCException("error executing SQL statement",
                new SQLException("terminating connection due to administrator command", "57P01"))));
        assertTrue(DatabaseOutages.isOutage(new SQLException("deadlock detected", "40P01")));
    }

    @Test
    void badDataIsNotAnOutage() {
        assertFalse(DatabaseOutages.isOutage(new PgException("invalid byte sequence", "ERROR", "22021", null)));
        assertFalse(DatabaseOutages.isOutage(new PgException("duplicate key", "ERROR", "23505", null)));
        // what poison events cause: refused JSON, an id too long for a B-tree index; wrapped as Hibernate wraps them
        assertFalse(DatabaseOutages.isOutage(new PgException("invalid input syntax for type json", "ERROR", "22P02", null)));
        assertFalse(DatabaseOutages.isOutage(new IllegalStateException("error executing SQL statement",
                new PgException("unsupported Unicode escape sequence", "ERROR", "22P05", null))));
        assertFalse(DatabaseOutages.isOutage(new IllegalStateException("error executing SQL statement",
                new PgException("index row size 3032 exceeds btree version 4 maximum 2704", "ERROR", "54000", null))));
        assertFalse(DatabaseOutages.isOutage(new GenericJDBCException("error executing SQL statement",
                new SQLException("unsupported Unicode escape sequence", "22P05"))));
        assertFalse(DatabaseOutages.isOutage(new JsonParseException(null, "unexpected character")));
        assertFalse(DatabaseOutages.isOutage(new IllegalArgumentException("rating must be between 0 and 10")));
    }

    @Test
    void workIsCalledAgainUntilTheDatabaseAnswers() {
        AtomicInteger calls = new AtomicInteger();
        String result = DatabaseOutages.<String>retryWhileDown(() -> calls.incrementAndGet() < 3
                ? Uni.createFrom().failure(ClosedConnectionException.INSTANCE)
                : Uni.createFrom().item("applied")).await().indefinitely();
        assertEquals("applied", result);
        assertEquals(3, calls.get());

        AtomicInteger once = new AtomicInteger();
        Uni<String> bad = DatabaseOutages.retryWhileDown(() -> {
            once.incrementAndGet();
            return Uni.createFrom().failure(new IllegalArgumentException("bad event"));
        });
        assertTrue(bad.onFailure().recoverWithItem("dead-lettered").await().indefinitely().equals("dead-lettered"));
        assertEquals(1, once.get());
    }
}
