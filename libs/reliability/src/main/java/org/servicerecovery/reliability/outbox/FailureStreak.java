package org.servicerecovery.reliability.outbox;

import java.time.Duration;

import org.jboss.logging.Logger;

/**
 * Logs the first failure of a series, then one a minute, and the end of the series, instead of a line per attempt
 * (an attempt a second through a broker or database outage).
 */
final class FailureStreak {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    private static final Duration LOG_INTERVAL = Duration.ofSeconds(60);

    private final String what;
    private final Duration retryPause;
    private long sinceNanos;
    private long loggedNanos;

    FailureStreak(String what, Duration retryPause) {
        this.what = what;
        this.retryPause = retryPause;
    }

    void failed(String detail) {
        long now = System.nanoTime();
        if (sinceNanos == 0) {
            sinceNanos = now;
        }
        if (loggedNanos == 0 || now - loggedNanos > LOG_INTERVAL.toNanos()) {
            loggedNanos = now;
            LOG.warnf("Outbox relay %s (for %d s), retrying every %d ms: %s", what,
                    Duration.ofNanos(now - sinceNanos).toSeconds(), retryPause.toMillis(), detail);
        }
    }

    void ended() {
        if (sinceNanos != 0) {
            LOG.infof("Outbox relay recovered; it %s for %d s", what, Duration.ofNanos(System.nanoTime() - sinceNanos).toSeconds());
            sinceNanos = 0;
            loggedNanos = 0;
        }
    }
}
