package org.servicerecovery.recovery.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;

import org.junit.jupiter.api.Test;

class CaseTimersTest {

    /** PostgreSQL would round the text up; the timer would then not be due at the instant it was set for. */
    @Test
    void aDueTimeIsStoredTruncatedToMicroseconds() {
        assertEquals("2026-12-01T10:00:00.000001Z", CaseTimers.timestamp(Instant.parse("2026-12-01T10:00:00.0000016Z")));
    }
}
