package org.servicerecovery.recovery.api;

import java.time.Clock;
import java.time.Instant;
import java.util.Locale;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.servicerecovery.recovery.api.CaseViews.SlaView;
import org.servicerecovery.recovery.domain.SlaReport;
import org.servicerecovery.recovery.persistence.CaseQueries;
import org.servicerecovery.servicekit.QueryParams;
import org.servicerecovery.servicekit.Roles;
import org.servicerecovery.servicekit.Viewer;

import io.smallrye.mutiny.Uni;

/** SLA report over the cases opened in [from, to) that the caller may see. */
@Path("/api/v1/reports/sla")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.AGENT, Roles.SUPERVISOR, Roles.ADMIN})
public class SlaReportResource {

    private final CaseQueries queries;
    private final JsonWebToken token;
    private final Clock clock;

    public SlaReportResource(CaseQueries queries, JsonWebToken token, Clock clock) {
        this.queries = queries;
        this.token = token;
        this.clock = clock;
    }

    @GET
    public Uni<SlaView> sla(@QueryParam("from") String from, @QueryParam("to") String to,
                            @QueryParam("groupBy") String groupBy) {
        QueryParams params = new QueryParams();
        Instant start = params.requiredInstant("from", from);
        Instant end = params.requiredInstant("to", to);
        SlaReport.GroupBy grouping = params.oneOf("groupBy", groupBy, SlaReport.GroupBy.class, SlaReport.GroupBy.TEAM);
        params.require(start == null || end == null || start.isBefore(end), "to", "must be after from");
        params.check();
        return queries.openedBetween(start, end, Viewer.of(token))
                .map(cases -> new SlaView(start, end, grouping.name().toLowerCase(Locale.ROOT),
                        SlaReport.of(cases, grouping, clock.instant())));
    }
}
