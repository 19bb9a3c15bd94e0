package org.servicerecovery.loyalty.domain;

import java.util.List;

/** One line of a score's explanation: a factor, its whole points, and the events behind them. */
public record Contribution(String factor, int points, List<String> eventIds) {

    public Contribution {
        eventIds = List.copyOf(eventIds);
    }
}
