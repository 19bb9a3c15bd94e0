package org.servicerecovery.loyalty.api;

import java.time.Instant;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.servicerecovery.loyalty.application.Reports;
import org.servicerecovery.loyalty.domain.PerceptionGap;
import org.servicerecovery.loyalty.domain.RecoveryParadox;
import org.servicerecovery.servicekit.QueryParams;
import org.servicerecovery.servicekit.Roles;

import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;

/** Does recovering well win customers back, and do customers feel what our records say? Supervisors and admins. */
@Path("/api/v1/reports")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.SUPERVISOR, Roles.ADMIN})
public class LoyaltyReportResource {

    public record Gap(Instant from, Instant to, String groupBy, List<PerceptionGap.Row> rows) {
    }

    private final Reports reports;
    private final JsonWebToken token;

    public LoyaltyReportResource(Reports reports, JsonWebToken token) {
        this.reports = reports;
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
        return reports.recoveryParadox(from, to, Caller.of(token).teamFilter(null));
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
        return reports.perceptionGap(from, to, Caller.of(token).teamFilter(null)).map(rows -> new Gap(from, to, "team", rows));
    }

    private static void requireOrder(QueryParams params, Instant from, Instant to) {
        params.require(from == null || to == null || from.isBefore(to), "to", "must be after from");
    }
}
