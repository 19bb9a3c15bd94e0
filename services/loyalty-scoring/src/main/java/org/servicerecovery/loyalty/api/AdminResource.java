package org.servicerecovery.loyalty.api;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.servicerecovery.loyalty.messaging.Scoring;
import org.servicerecovery.loyalty.persistence.LoyaltyStore;
import org.servicerecovery.servicekit.Roles;

import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;

@Path("/api/v1/admin/rebuild")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.ADMIN)
public class AdminResource {

    /** {@code customers} rescored, {@code changed} of them got a different score. */
    public record Rebuilt(int customers, int changed, long millis) {
    }

    private static final int CUSTOMERS_PER_TRANSACTION = 500;

    private final LoyaltyStore store;
    private final Scoring scoring;

    public AdminResource(LoyaltyStore store, Scoring scoring) {
        this.store = store;
        this.scoring = scoring;
    }

    /** Recomputes every score from the stored history (after a weights change), a page of customers per transaction. */
    @POST
    @WithSession
    public Uni<Rebuilt> rebuild() {
        long start = System.nanoTime();
        return rebuildFrom("", new Rebuilt(0, 0, 0))
                .map(done -> new Rebuilt(done.customers(), done.changed(), (System.nanoTime() - start) / 1_000_000));
    }

    private Uni<Rebuilt> rebuildFrom(String after, Rebuilt done) {
        return store.customersWithFacts(after, CUSTOMERS_PER_TRANSACTION).chain(customers -> customers.isEmpty()
                ? Uni.createFrom().item(done)
                : scoring.rebuild(customers).chain(changed -> rebuildFrom(customers.get(customers.size() - 1),
                        new Rebuilt(done.customers() + customers.size(), done.changed() + changed, 0))));
    }
}
