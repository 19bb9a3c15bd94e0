package org.servicerecovery.servicekit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LogSafeTest {

    @Test
    void aCallerCannotEndTheLogLine() {
        String forged = "/api/v1/cases/x\n2026-01-01 00:00:00,000 INFO  [admin] granted\r\u0000\u2028";
        String safe = LogSafe.of(forged);
        assertEquals("/api/v1/cases/x\\u000A2026-01-01 00:00:00,000 INFO  [admin] granted\\u000D\\u0000\\u2028", safe);
        assertFalse(safe.chars().anyMatch(c -> c < 0x20));
    }

    @Test
    void backslashesAreEscapedSoAnEscapeCannotBeForgedEither() {
        assertEquals("a\\\\u000Ab", LogSafe.of("a\\u000Ab"));
    }

    @Test
    void longValuesAreCut() {
        assertEquals(LogSafe.MAX_LENGTH + 1, LogSafe.of("x".repeat(5000)).length());
        assertEquals(LogSafe.MAX_LENGTH, LogSafe.of("x".repeat(LogSafe.MAX_LENGTH)).length());
    }

    @Test
    void aFailureIsLoggedWithSafeMessagesAndItsStackTrace() {
        IllegalStateException cause = new IllegalStateException("bad\nline");
        RuntimeException failure = new RuntimeException("outer\u0000", cause);
        Throwable safe = LogSafe.of(failure);
        assertEquals("java.lang.RuntimeException: outer\\u0000", safe.getMessage());
        assertEquals("java.lang.IllegalStateException: bad\\u000Aline", safe.getCause().getMessage());
        assertTrue(safe.getStackTrace().length > 0);
        assertEquals(failure.getStackTrace()[0], safe.getStackTrace()[0]);
    }
}
