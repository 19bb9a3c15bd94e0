package org.servicerecovery.recovery.api;

import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.servicerecovery.recovery.api.CaseViews.CaseSummary;
import org.servicerecovery.recovery.persistence.CaseQueries;
import org.servicerecovery.servicekit.QueryParams;
import org.servicerecovery.servicekit.Roles;
import org.servicerecovery.servicekit.Viewer;

import io.smallrye.mutiny.Uni;

/** The supervisors' queue: escalated cases of their team that are not resolved, the most urgent deadline first. */
@Path("/api/v1/escalations")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.SUPERVISOR, Roles.ADMIN})
public class EscalationResource {

    private final CaseQueries queries;
    private final JsonWebToken token;

    public EscalationResource(CaseQueries queries, JsonWebToken token) {
        this.queries = queries;
        this.token = token;
    }

    @GET
    public Uni<List<CaseSummary>> queue(@QueryParam("limit") String limit) {
        QueryParams params = new QueryParams();
        int max = params.integer("limit", limit, 100, 1, CaseResource.MAX_PAGE_SIZE);
        params.check();
        return queries.escalated(Viewer.of(token), max).map(cases -> cases.stream().map(CaseSummary::of).toList());
    }
}
