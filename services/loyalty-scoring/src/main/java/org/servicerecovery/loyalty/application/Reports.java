package org.servicerecovery.loyalty.application;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import jakarta.enterprise.context.ApplicationScoped;

import org.servicerecovery.loyalty.domain.Fact;
import org.servicerecovery.loyalty.domain.History;
import org.servicerecovery.loyalty.domain.PerceptionGap;
import org.servicerecovery.loyalty.domain.RecoveryParadox;
import org.servicerecovery.loyalty.domain.ScoringEngine;
import org.servicerecovery.loyalty.persistence.LoyaltyStore;
import org.servicerecovery.reliability.InOrder;

import io.smallrye.mutiny.Uni;

/** Does recovering well win customers back, and do customers feel what our records say? Over the stored facts. */
@ApplicationScoped
public class Reports {

    private final LoyaltyStore store;
    private final ScoringEngine engine;

    public Reports(LoyaltyStore store, ScoringEngine engine) {
        this.store = store;
        this.engine = engine;
    }

    /** The recoveries resolved in [from, to), of {@code team}'s customers (every team's when null). */
    public Uni<RecoveryParadox.Report> recoveryParadox(Instant from, Instant to, String team) {
        return store.factsBetween(from, to, team).chain(rows -> {
            Set<String> customers = new TreeSet<>();
            rows.stream().filter(row -> row.fact() instanceof Fact.CaseResolved).forEach(row -> customers.add(row.customerId()));
            RecoveryParadox paradox = new RecoveryParadox(engine);
            List<RecoveryParadox.Recovery> recoveries = new ArrayList<>();
            return InOrder.forEach(List.copyOf(customers), customer -> store.facts(customer)
                            .invoke(facts -> recoveries.addAll(paradox.recoveries(customer, History.canonical(facts), from, to))))
                    .map(done -> RecoveryParadox.summarise(recoveries));
        });
    }

    /** The facts of [from, to) by team, of {@code team}'s customers (every team's when null). */
    public Uni<List<PerceptionGap.Row>> perceptionGap(Instant from, Instant to, String team) {
        return store.factsBetween(from, to, team).map(rows -> PerceptionGap.byTeam(rows.stream()
                .map(row -> new PerceptionGap.TeamFact(row.team(), row.fact())).toList()));
    }
}
