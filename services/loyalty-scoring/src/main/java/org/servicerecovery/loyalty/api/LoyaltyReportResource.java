package org.servicerecovery.loyalty.api;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.servicerecovery.loyalty.domain.Fact;
import org.servicerecovery.loyalty.domain.History;
import org.servicerecovery.loyalty.domain.PerceptionGap;
import org.servicerecovery.loyalty.domain.RecoveryParadox;
import org.servicerecovery.loyalty.domain.ScoringEngine;
import org.servicerecovery.loyalty.persistence.LoyaltyStore;
import org.servicerecovery.servicekit.QueryParams;
import org.servicerecovery.servicekit.Roles;
import org.servicerecovery.reliability.InOrder;

import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;

/** Does recovering well win customers back, and do customers feel what our records say? Supervisors and admins. */
@Path("/api/v1/reports")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.SUPERVISOR, Roles.ADMIN})
public class LoyaltyReportResource {

    public record Gap(Instant from, Instant to, String groupBy, List<PerceptionGap.Row> rows) {
    }

    private final LoyaltyStore store;
    private final ScoringEngine engine;
    private final JsonWebToken token;

    public LoyaltyReportResource(LoyaltyStore store, ScoringEngine engine, JsonWebToken token) {
        this.store = store;
        this.engine = engine;
        this.token = token;
    }

    @GET
    @Path("/recovery-paradox")
    @WithSession
    public Uni<RecoveryParadox.Report> recoveryParadox(@QueryParam("from") String fromParam,
                                                       @QueryParam("to") String toParam) {
        QueryParams params = new QueryParams();
        Instant from = params.requiredInstant("from", fromParam);
        Instant to = params.requiredInstant("to", toParam);
        requireOrder(params, from, to);
        params.check();
        String team = Caller.of(token).teamFilter(null);
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

    @GET
    @Path("/perception-gap")
    @WithSession
    public Uni<Gap> perceptionGap(@QueryParam("from") String fromParam, @QueryParam("to") String toParam,
                                  @QueryParam("groupBy") String groupBy) {
        QueryParams params = new QueryParams();
        Instant from = params.requiredInstant("from", fromParam);
        Instant to = params.requiredInstant("to", toParam);
        requireOrder(params, from, to);
        params.require(groupBy == null || "team".equals(groupBy), "groupBy", "must be team (the only grouping)");
        params.check();
        String team = Caller.of(token).teamFilter(null);
        return store.factsBetween(from, to, team).map(rows -> new Gap(from, to, "team", PerceptionGap.byTeam(rows.stream()
                .map(row -> new PerceptionGap.TeamFact(row.team(), row.fact())).toList())));
    }

    private static void requireOrder(QueryParams params, Instant from, Instant to) {
        params.require(from == null || to == null || from.isBefore(to), "to", "must be after from");
    }
}
