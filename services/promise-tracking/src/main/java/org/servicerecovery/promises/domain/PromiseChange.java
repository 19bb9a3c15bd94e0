package org.servicerecovery.promises.domain;

import java.util.List;

import org.servicerecovery.events.CustomerEvent;

/**
 * The result of one decision: the promise afterwards, the domain events to publish (in order), what to do with its
 * timers, and what to write into its history. A change with no events and {@link TimerPlan#KEEP} only records.
 */
public record PromiseChange(Promise promise, List<CustomerEvent> events, TimerPlan timers, List<HistoryEntry> history) {

    public PromiseChange {
        events = List.copyOf(events);
        history = List.copyOf(history);
    }

    static PromiseChange recordOnly(Promise promise, HistoryEntry entry) {
        return new PromiseChange(promise, List.of(), TimerPlan.KEEP, List.of(entry));
    }
}
