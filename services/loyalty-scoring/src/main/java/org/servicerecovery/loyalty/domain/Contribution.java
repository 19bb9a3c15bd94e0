package org.servicerecovery.loyalty.domain;

import java.util.List;

/**
 * One line of a score's explanation: a factor, its whole points, the latest events behind them (at most
 * {@link Recent#SHOWN}, in time order) and how many events are behind them in all.
 */
public record Contribution(String factor, int points, List<String> eventIds, int eventCount) {

    public Contribution {
        eventIds = List.copyOf(eventIds);
    }

    /** A line whose events are all named. */
    public Contribution(String factor, int points, List<String> eventIds) {
        this(factor, points, eventIds, eventIds.size());
    }
}
