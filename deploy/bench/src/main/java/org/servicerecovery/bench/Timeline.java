package org.servicerecovery.bench;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Named per-second series from one start time: counts (events per second), sampled values (e.g. MiB) or sampled running
 * totals (CPU ms so far).
 */
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

    /** The values of {@code name} from second {@code from} (inclusive) to {@code to} (exclusive), zeros if it had none. */
    double[] values(String name, int from, int to) {
        AtomicLongArray slots = series.get(name);
        double[] values = new double[Math.max(0, to - from)];
        for (int i = 0; slots != null && i < values.length; i++) {
            values[i] = slots.get(Math.min(from + i, MAX_SECONDS - 1));
        }
        return values;
    }

    /**
     * A running total at {@code second}: the last sample at or before it (a sampler may skip a second; a total is
     * never 0 once it has started).
     */
    long total(String name, int second) {
        AtomicLongArray slots = series.get(name);
        for (int i = Math.min(second, MAX_SECONDS - 1); slots != null && i >= 0; i--) {
            if (slots.get(i) != 0) {
                return slots.get(i);
            }
        }
        return 0;
    }

    /**
     * Per-second increases of a running total over [from, to), e.g. CPU ms per second; across seconds a starved
     * sampler skipped, the increase is spread evenly.
     */
    double[] increases(String name, int from, int to) {
        double[] values = new double[Math.max(0, to - from)];
        AtomicLongArray slots = series.get(name);
        if (slots == null) {
            return values;
        }
        int last = -1;
        for (int second = 0; second < Math.min(to + 1, MAX_SECONDS); second++) {
            if (slots.get(second) == 0) {
                continue;
            }
            if (last >= 0) {
                double perSecond = Math.max(0, slots.get(second) - slots.get(last)) / (double) (second - last);
                for (int gap = last; gap < second; gap++) {
                    if (gap >= from && gap < to) {
                        values[gap - from] = perSecond;
                    }
                }
            }
            last = second;
        }
        return values;
    }

    private AtomicLongArray slots(String name) {
        return series.computeIfAbsent(name, ignored -> new AtomicLongArray(MAX_SECONDS));
    }
}
