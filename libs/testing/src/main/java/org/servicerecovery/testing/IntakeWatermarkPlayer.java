package org.servicerecovery.testing;

import java.time.Clock;
import java.time.Duration;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Plays intake for the tests of a service that reads intake.events written by the tests themselves: publishes the
 * application's "now" (its test clock) as the watermark on every partition, so timers that await the input watermark
 * fire once the test moves the clock past them, as in production once intake has read that far. A service's tests
 * take it by indexing this module ({@code %test.quarkus.index-dependency.testing.*}); intake's own tests do not.
 */
@Singleton
public class IntakeWatermarkPlayer {

    private final Clock clock;
    private WatermarkFeed feed;

    public IntakeWatermarkPlayer(Clock clock) {
        this.clock = clock;
    }

    void start(@Observes StartupEvent startup) {
        feed = new WatermarkFeed(clock::instant, Duration.ofMillis(100));
    }

    void stop(@Observes ShutdownEvent shutdown) {
        feed.close();
    }
}
