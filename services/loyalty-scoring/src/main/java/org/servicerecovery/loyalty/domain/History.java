package org.servicerecovery.loyalty.domain;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The canonical order of a customer's history: by time, then event id, each event once. Events reach us from three
 * topics in no guaranteed order between them; scoring their canonical order makes a replay give the same score.
 */
public final class History {

    private static final Comparator<Fact> CANONICAL = Comparator.comparing(Fact::at).thenComparing(Fact::eventId);

    private History() {
    }

    public static List<Fact> canonical(List<Fact> facts) {
        Map<String, Fact> once = new LinkedHashMap<>();
        facts.forEach(fact -> once.putIfAbsent(fact.eventId(), fact));
        return once.values().stream().sorted(CANONICAL).toList();
    }
}
