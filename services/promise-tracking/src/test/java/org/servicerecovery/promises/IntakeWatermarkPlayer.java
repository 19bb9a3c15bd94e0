package org.servicerecovery.promises;

import java.time.Duration;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.servicerecovery.testing.WatermarkFeed;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Plays intake for the tests, which write intake.events themselves: publishes the test clock's "now" as the watermark
 * on every partition, so the due and at-risk timers fire once the test moves the clock past them, as in production
 * once intake has read that far.
 */
@Singleton
public class IntakeWatermarkPlayer {

    private final PromiseTestClock clock;
    private WatermarkFeed feed;

    public IntakeWatermarkPlayer(PromiseTestClock clock) {
        this.clock = clock;
    }

    void start(@Observes StartupEvent startup) {
        feed = new WatermarkFeed(clock::instant, Duration.ofMillis(100));
    }

    void stop(@Observes ShutdownEvent shutdown) {
        feed.close();
    }
}
