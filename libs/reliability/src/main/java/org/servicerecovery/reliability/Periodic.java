package org.servicerecovery.reliability;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Background refreshes (gauges, monitors): one daemon thread each, so a refresh never holds up shutdown. */
public final class Periodic {

    private Periodic() {
    }

    /** Runs {@code task} now and then {@code every} after each run ends, on a daemon thread named {@code name}. */
    public static ScheduledExecutorService start(String name, Runnable task, Duration every) {
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        });
        executor.scheduleWithFixedDelay(task, 0, every.toMillis(), TimeUnit.MILLISECONDS);
        return executor;
    }
}
