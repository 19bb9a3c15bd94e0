package org.servicerecovery.reliability.inbox;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletionException;

import org.junit.jupiter.api.Test;

import io.vertx.core.impl.NoStackTraceThrowable;

class OutageClassificationTest {

    @Test
    void thePoolClosingAtShutdownIsAnOutageNotABadEvent() {
        assertTrue(DatabaseOutages.isOutage(new NoStackTraceThrowable("Pool closed")));
        assertTrue(DatabaseOutages.isOutage(new CompletionException(
                new NoStackTraceThrowable("Connection is not active now, current status: CLOSING"))));
    }

    @Test
    void otherFailuresAreTheEventsOwn() {
        assertFalse(DatabaseOutages.isOutage(new NoStackTraceThrowable("value too long for type character varying")));
        assertFalse(DatabaseOutages.isOutage(new IllegalArgumentException("Pool closed")));
    }
}
