package org.servicerecovery.loyalty.domain;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The events behind a factor as its explanation shows them: how many there are, and the {@link #SHOWN} latest of them in
 * canonical order. Adding an event keeps both exact whatever order events come in, so a running score and a
 * recomputation show the same explanation, and neither grows with the history.
 */
final class Recent {

    /** How many of a factor's events its explanation names. */
    static final int SHOWN = 20;

    private final List<ScoreState.Entry> latest = new ArrayList<>();
    private int count;

    Recent() {
    }

    Recent(Recent other) {
        latest.addAll(other.latest);
        count = other.count;
    }

    static Recent of(Collection<ScoreState.Entry> entries) {
        Recent recent = new Recent();
        entries.forEach(recent::add);
        return recent;
    }

    void add(ScoreState.Entry entry) {
        count++;
        if (latest.size() == SHOWN && entry.compareTo(latest.get(0)) < 0) {
            return;
        }
        int index = 0;
        while (index < latest.size() && latest.get(index).compareTo(entry) < 0) {
            index++;
        }
        latest.add(index, entry);
        if (latest.size() > SHOWN) {
            latest.remove(0);
        }
    }

    void addAll(Recent other) {
        other.latest.forEach(this::add);
        count += other.count - other.latest.size();
    }

    int count() {
        return count;
    }

    List<ScoreState.Entry> latest() {
        return latest;
    }

    List<String> eventIds() {
        return latest.stream().map(ScoreState.Entry::eventId).toList();
    }

    /** Restores a stored explanation: {@code latest} in canonical order, at most {@link #SHOWN}. */
    static Recent restored(List<ScoreState.Entry> latest, int count) {
        Recent recent = new Recent();
        recent.latest.addAll(latest);
        recent.count = count;
        return recent;
    }
}
