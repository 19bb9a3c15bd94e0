package org.servicerecovery.recovery.domain;

import java.util.List;

import org.servicerecovery.events.CustomerEvent;

/**
 * The result of one decision: the case afterwards, the events to publish (in order), its timeline entries and what to
 * do with its timers. {@code created} says whether the case is new (insert) or existing (update).
 */
public record CaseChange(RecoveryCase recoveryCase, boolean created, List<CustomerEvent> events,
                         List<TimelineEntry> timeline, List<TimerOp> timers) {

    public CaseChange {
        events = List.copyOf(events);
        timeline = List.copyOf(timeline);
        timers = List.copyOf(timers);
    }

    static CaseChange none(RecoveryCase recoveryCase, TimelineEntry entry) {
        return new CaseChange(recoveryCase, false, List.of(), List.of(entry), List.of());
    }
}
