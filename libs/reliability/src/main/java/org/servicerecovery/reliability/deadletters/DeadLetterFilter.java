package org.servicerecovery.reliability.deadletters;

import java.time.Instant;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Which dead letters an admin means: parked in [{@code from}, {@code to}) (any bound may be null), with a
 * dead-letter-reason containing {@code reason} (ignoring case) and matching {@code reasonPattern} somewhere.
 */
public record DeadLetterFilter(Instant from, Instant to, String reason, Pattern reasonPattern) {

    public static DeadLetterFilter all() {
        return new DeadLetterFilter(null, null, null, null);
    }

    public boolean matches(ParkedRecord parked) {
        Instant at = parked.deadLetteredAt();
        if ((from != null && at.isBefore(from)) || (to != null && !at.isBefore(to))) {
            return false;
        }
        String parkedReason = parked.reason() == null ? "" : parked.reason();
        if (reason != null && !parkedReason.toLowerCase(Locale.ROOT).contains(reason.toLowerCase(Locale.ROOT))) {
            return false;
        }
        return reasonPattern == null || reasonPattern.matcher(parkedReason).find();
    }
}
