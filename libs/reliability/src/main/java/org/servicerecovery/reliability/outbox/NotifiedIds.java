package org.servicerecovery.reliability.outbox;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * The outbox ids the commits' notifications named and the relay has not read yet, as disjoint ranges: each insert
 * names its first and last id ({@code "17 42"}); ranges that overlap or touch are merged, so a read returns each row
 * once. Rows of other transactions inside a range are read too, which is harmless: they are committed, or invisible
 * until their own commit names them again.
 */
final class NotifiedIds {

    /** Merged ranges, first id → last id. */
    private final TreeMap<Long, Long> ranges = new TreeMap<>();

    /** Ranges to read, in id order. */
    record Ranges(List<long[]> ranges) {

        static final Ranges NONE = new Ranges(List.of());

        Long[] firsts() {
            return ranges.stream().map(range -> range[0]).toArray(Long[]::new);
        }

        Long[] lasts() {
            return ranges.stream().map(range -> range[1]).toArray(Long[]::new);
        }
    }

    /** False if the payload names no ids (an insert of no rows, a trigger of an older version): then scan everything. */
    boolean add(String payload) {
        String[] ids = payload == null ? new String[0] : payload.trim().split(" ");
        if (ids.length != 2) {
            return false;
        }
        try {
            add(Long.parseLong(ids[0]), Long.parseLong(ids[1]));
            return true;
        } catch (NumberFormatException notIds) {
            return false;
        }
    }

    boolean isEmpty() {
        return ranges.isEmpty();
    }

    /** Everything noted so far, forgotten here. */
    Ranges drain() {
        if (ranges.isEmpty()) {
            return Ranges.NONE;
        }
        List<long[]> drained = new ArrayList<>(ranges.size());
        ranges.forEach((first, last) -> drained.add(new long[] {first, last}));
        ranges.clear();
        return new Ranges(drained);
    }

    /** Noted again: a read that did not get through all of them. */
    void putBack(Ranges read) {
        read.ranges().forEach(range -> add(range[0], range[1]));
    }

    private void add(long first, long last) {
        long from = Math.min(first, last);
        long to = Math.max(first, last);
        var before = ranges.floorEntry(from);
        if (before != null && before.getValue() >= from - 1) {
            from = before.getKey();
            to = Math.max(to, before.getValue());
            ranges.remove(before.getKey());
        }
        var after = ranges.ceilingEntry(from);
        while (after != null && after.getKey() <= to + 1) {
            to = Math.max(to, after.getValue());
            ranges.remove(after.getKey());
            after = ranges.ceilingEntry(from);
        }
        ranges.put(from, to);
    }
}
