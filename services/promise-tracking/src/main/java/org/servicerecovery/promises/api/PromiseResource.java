package org.servicerecovery.promises.api;

import java.time.Clock;
import java.time.Instant;
import java.util.Locale;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.servicerecovery.promises.api.PromiseViews.PromiseDetail;
import org.servicerecovery.promises.api.PromiseViews.PromisePage;
import org.servicerecovery.promises.api.PromiseViews.PromiseView;
import org.servicerecovery.promises.api.PromiseViews.Stats;
import org.servicerecovery.promises.api.PromiseViews.StatsGroup;
import org.servicerecovery.promises.domain.PromiseState;
import org.servicerecovery.promises.persistence.PromiseFilter;
import org.servicerecovery.promises.persistence.PromiseQueries.GroupBy;
import org.servicerecovery.promises.persistence.PromiseQueries;
import org.servicerecovery.servicekit.QueryParams;
import org.servicerecovery.servicekit.Roles;
import org.servicerecovery.servicekit.Viewer;

import io.smallrye.mutiny.Uni;

/**
 * Promises as agents, supervisors and admins see them: an agent their own and their team's, a supervisor their team's,
 * an admin all. A promise outside the caller's view answers 404, as if it did not exist.
 */
@Path("/api/v1/promises")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.AGENT, Roles.SUPERVISOR, Roles.ADMIN})
public class PromiseResource {

    static final int MAX_PAGE_SIZE = 500;

    private final PromiseQueries queries;
    private final JsonWebToken token;
    private final Clock clock;

    public PromiseResource(PromiseQueries queries, JsonWebToken token, Clock clock) {
        this.queries = queries;
        this.token = token;
        this.clock = clock;
    }

    @GET
    public Uni<PromisePage> list(@QueryParam("customer") String customer, @QueryParam("owner") String owner,
                                 @QueryParam("team") String team, @QueryParam("state") String state,
                                 @QueryParam("dueFrom") String dueFrom, @QueryParam("dueTo") String dueTo,
                                 @QueryParam("page") String page, @QueryParam("size") String size,
                                 @QueryParam("sort") String sort) {
        QueryParams params = new QueryParams();
        PromiseFilter filter = new PromiseFilter(customer, owner, team,
                params.oneOf("state", state, PromiseState.class, null),
                params.instant("dueFrom", dueFrom), params.instant("dueTo", dueTo));
        int pageIndex = params.integer("page", page, 0, 0, 100_000);
        int pageSize = params.integer("size", size, 50, 1, MAX_PAGE_SIZE);
        boolean latestDueFirst = "-dueAt".equals(sort);
        params.require(sort == null || sort.equals("dueAt") || latestDueFirst, "sort", "must be dueAt or -dueAt");
        params.require(filter.dueFrom() == null || filter.dueTo() == null || filter.dueFrom().isBefore(filter.dueTo()),
                "dueTo", "must be after dueFrom");
        params.check();
        return queries.list(filter, viewer(), pageIndex, pageSize, latestDueFirst)
                .map(result -> new PromisePage(result.items().stream().map(PromiseView::of).toList(), pageIndex,
                        pageSize, result.total()));
    }

    @GET
    @Path("/stats")
    public Uni<Stats> stats(@QueryParam("from") String from, @QueryParam("to") String to,
                            @QueryParam("groupBy") String groupBy) {
        QueryParams params = new QueryParams();
        Instant start = params.requiredInstant("from", from);
        Instant end = params.requiredInstant("to", to);
        GroupBy grouping = params.oneOf("groupBy", groupBy, GroupBy.class, GroupBy.OWNER);
        params.require(start == null || end == null || start.isBefore(end), "to", "must be after from");
        params.check();
        return queries.stats(start, end, grouping, viewer(), clock.instant())
                .map(rows -> new Stats(start, end, grouping.name().toLowerCase(Locale.ROOT),
                        rows.stream().map(StatsGroup::of).toList()));
    }

    @GET
    @Path("/{id}")
    public Uni<PromiseDetail> get(@PathParam("id") String id) {
        return queries.find(id, viewer()).map(found -> found
                .map(detail -> new PromiseDetail(PromiseView.of(detail.promise()), detail.history()))
                .orElseThrow(() -> new NotFoundException("No promise " + id + " that you may see.")));
    }

    private Viewer viewer() {
        return Viewer.of(token);
    }
}
