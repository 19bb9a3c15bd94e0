package org.servicerecovery.promises.persistence;

/**
 * The "show up on time" figures of one group. {@code settled} counts promises with an outcome other than cancelled;
 * lateness percentiles are over missed promises (fulfilled late: fulfilment minus due time; still missed: now minus
 * due time), null when none was missed.
 */
public record StatsRow(String key, long made, long kept, long missed, long settled, Double medianLatenessMillis,
                       Double p90LatenessMillis) {
}
