package org.servicerecovery.intake.persistence;

import java.time.OffsetDateTime;

/** An accepted event as stored: the raw JSON as received, and whether its normalised form awaits publication. */
public record StoredEvent(String source, String id, String type, String customerId, String channel,
        OffsetDateTime receivedAt, String raw, boolean awaitingPublication) {
}
