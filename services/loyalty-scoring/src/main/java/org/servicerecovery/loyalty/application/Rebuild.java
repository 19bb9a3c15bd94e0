package org.servicerecovery.loyalty.application;

import jakarta.enterprise.context.ApplicationScoped;

import org.servicerecovery.loyalty.persistence.LoyaltyStore;

import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;

/** Recomputes every score from the stored history (after a weights change), a page of customers per transaction. */
@ApplicationScoped
public class Rebuild {

    /** {@code customers} rescored, {@code changed} of them got a different score. */
    public record Outcome(int customers, int changed, long millis) {
    }

    private static final int CUSTOMERS_PER_TRANSACTION = 2_000;

    private final LoyaltyStore store;
    private final Scoring scoring;

    public Rebuild(LoyaltyStore store, Scoring scoring) {
        this.store = store;
        this.scoring = scoring;
    }

    @WithSession
    public Uni<Outcome> everyScore() {
        long start = System.nanoTime();
        return rebuildFrom("", new Outcome(0, 0, 0))
                .map(done -> new Outcome(done.customers(), done.changed(), (System.nanoTime() - start) / 1_000_000));
    }

    private Uni<Outcome> rebuildFrom(String after, Outcome done) {
        return store.customersWithFacts(after, CUSTOMERS_PER_TRANSACTION).chain(customers -> customers.isEmpty()
                ? Uni.createFrom().item(done)
                : scoring.rebuild(customers).chain(changed -> rebuildFrom(customers.get(customers.size() - 1),
                        new Outcome(done.customers() + customers.size(), done.changed() + changed, 0))));
    }
}
