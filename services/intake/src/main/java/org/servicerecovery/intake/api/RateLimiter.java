package org.servicerecovery.intake.api;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import org.servicerecovery.intake.IntakeConfig;

/**
 * A token bucket per client (the token's subject), in memory: each replica limits what reaches it, which is what
 * protects its CPU and pool. {@code per-second} tokens flow in each second, up to a burst of twice that.
 */
@ApplicationScoped
public class RateLimiter {

    private final double perNano;
    private final double capacity;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    public RateLimiter(IntakeConfig config) {
        this.perNano = config.rateLimit().perSecond() / 1e9;
        this.capacity = 2.0 * config.rateLimit().perSecond();
    }

    /** Empty if the client may proceed, else how long until it may. */
    public Optional<Duration> acquire(String client) {
        return buckets.computeIfAbsent(client, ignored -> new Bucket(capacity, System.nanoTime())).take(perNano, capacity);
    }

    private static final class Bucket {

        private double tokens;
        private long refilledAt;

        Bucket(double tokens, long now) {
            this.tokens = tokens;
            this.refilledAt = now;
        }

        synchronized Optional<Duration> take(double perNano, double capacity) {
            long now = System.nanoTime();
            tokens = Math.min(capacity, tokens + (now - refilledAt) * perNano);
            refilledAt = now;
            if (tokens >= 1) {
                tokens -= 1;
                return Optional.empty();
            }
            return Optional.of(Duration.ofNanos((long) Math.ceil((1 - tokens) / perNano)));
        }
    }
}
