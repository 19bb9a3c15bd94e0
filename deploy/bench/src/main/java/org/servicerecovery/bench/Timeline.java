package org.servicerecovery.bench;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;

/** Named per-second series from one start time: counts (events per second) or sampled values (e.g. MiB). */
final class Timeline {

    /** Longer than any system run (generation, the deadlines' tail, the drain); later seconds land in the last slot. */
    private static final int MAX_SECONDS = 1_800;

    private final long startMillis;
    private final Map<String, AtomicLongArray> series = new ConcurrentHashMap<>();

    Timeline(long startMillis) {
        this.startMillis = startMillis;
    }

    /** One event of {@code name} at {@code epochMillis}. */
    void count(String name, long epochMillis) {
        add(name, second(epochMillis), 1);
    }

    void add(String name, int second, long amount) {
        slots(name).addAndGet(Math.min(second, MAX_SECONDS - 1), amount);
    }

    void set(String name, int second, long value) {
        slots(name).set(Math.min(second, MAX_SECONDS - 1), value);
    }

    int second(long epochMillis) {
        return (int) Math.max(0, (epochMillis - startMillis) / 1000);
    }

    /** The first {@code seconds} values of {@code name}, zeros if it never had any. */
    double[] values(String name, int seconds) {
        AtomicLongArray slots = series.get(name);
        double[] values = new double[seconds];
        for (int i = 0; slots != null && i < seconds; i++) {
            values[i] = slots.get(i);
        }
        return values;
    }

    private AtomicLongArray slots(String name) {
        return series.computeIfAbsent(name, ignored -> new AtomicLongArray(MAX_SECONDS));
    }
}
