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

    public record Rebuilt(int customers, long millis) {
    }

    private static final int CUSTOMERS_PER_TRANSACTION = 200;

    private final LoyaltyStore store;
    private final Scoring scoring;

    public AdminResource(LoyaltyStore store, Scoring scoring) {
        this.store = store;
        this.scoring = scoring;
    }

    /** Recomputes every score from the stored history (after a weights change), a few hundred customers per transaction. */
    @POST
    @WithSession
    public Uni<Rebuilt> rebuild() {
        long start = System.nanoTime();
        return rebuildFrom("", 0).map(customers -> new Rebuilt(customers, (System.nanoTime() - start) / 1_000_000));
    }

    private Uni<Integer> rebuildFrom(String after, int done) {
        return store.customersWithFacts(after, CUSTOMERS_PER_TRANSACTION).chain(customers -> customers.isEmpty()
                ? Uni.createFrom().item(done)
                : scoring.rebuild(customers).chain(count -> rebuildFrom(customers.get(customers.size() - 1), done + count)));
    }
}
