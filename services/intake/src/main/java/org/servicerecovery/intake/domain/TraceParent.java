package org.servicerecovery.intake.domain;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * W3C Trace Context {@code traceparent} for the events intake publishes. Intake's hop is a span of its own: the trace
 * id (and sampling flag) of the CRM's traceparent is kept, the parent id is new; without a usable traceparent a new
 * trace starts, as the spec prescribes for an invalid header.
 */
public final class TraceParent {

    private static final Pattern VALID = Pattern.compile("00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})");
    private static final String ZERO_TRACE = "0".repeat(32);
    private static final String ZERO_SPAN = "0".repeat(16);

    private TraceParent() {
    }

    /** The first valid candidate continued with a new span, or a new trace; candidates may be {@code null}. */
    public static String next(String... candidates) {
        for (String candidate : candidates) {
            if (candidate != null) {
                var match = VALID.matcher(candidate.trim());
                if (match.matches() && !match.group(1).equals(ZERO_TRACE) && !match.group(2).equals(ZERO_SPAN)) {
                    return "00-" + match.group(1) + "-" + randomHex(8) + "-" + match.group(3);
                }
            }
        }
        return "00-" + randomHex(16) + "-" + randomHex(8) + "-01";
    }

    private static String randomHex(int bytes) {
        byte[] random = new byte[bytes];
        do {
            ThreadLocalRandom.current().nextBytes(random);
        } while (isZero(random));
        return HexFormat.of().formatHex(random);
    }

    private static boolean isZero(byte[] bytes) {
        for (byte b : bytes) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }
}
