package org.servicerecovery.loyalty.api;

import java.time.Instant;
import java.util.List;
import java.util.Set;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.servicerecovery.loyalty.domain.Contribution;
import org.servicerecovery.loyalty.persistence.CustomerScore;
import org.servicerecovery.loyalty.persistence.LoyaltyStore;
import org.servicerecovery.servicekit.QueryParams;
import org.servicerecovery.servicekit.Roles;

import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;

@Path("/api/v1/customers")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.AGENT, Roles.SUPERVISOR, Roles.ADMIN})
public class CustomerResource {

    public record Loyalty(String customerId, int score, String band, String team, String tier, int weightsVersion,
                          Instant asOf, List<Contribution> factors, List<LoyaltyStore.HistoryPoint> history) {
    }

    public record Summary(String customerId, int score, String band, String team, String tier, Instant asOf) {
    }

    public record Page(int page, int size, List<Summary> items) {
    }

    private static final Set<String> BANDS = Set.of("at-risk", "neutral", "loyal");
    /** page x size stays far from int overflow in the OFFSET. */
    private static final int MAX_PAGE = 100_000;
    private static final int MAX_PAGE_SIZE = 500;

    private final LoyaltyStore store;
    private final JsonWebToken token;

    public CustomerResource(LoyaltyStore store, JsonWebToken token) {
        this.store = store;
        this.token = token;
    }

    /** Score, band, the factors that add up to it, and every change for a trend chart. Unknown or not yours: 404. */
    @GET
    @Path("/{id}/loyalty")
    @WithSession
    public Uni<Loyalty> loyalty(@PathParam("id") String customerId) {
        Caller caller = Caller.of(token);
        return store.score(customerId).chain(found -> {
            CustomerScore score = found.filter(s -> caller.maySee(s.team()))
                    .orElseThrow(() -> new NotFoundException("No loyalty score for customer " + customerId + "."));
            return store.history(customerId).map(history -> new Loyalty(score.customerId(), score.score(), score.band(),
                    score.team(), score.tier(), score.weightsVersion(), score.asOf(), score.contributions(), history));
        });
    }

    /** Most at risk first. */
    @GET
    @WithSession
    public Uni<Page> list(@QueryParam("band") String band, @QueryParam("team") String team,
                          @QueryParam("page") String pageParam, @QueryParam("size") String sizeParam) {
        QueryParams params = new QueryParams();
        params.require(band == null || BANDS.contains(band), "band", "must be at-risk, neutral or loyal");
        int page = params.integer("page", pageParam, 0, 0, MAX_PAGE);
        int size = params.integer("size", sizeParam, 50, 1, MAX_PAGE_SIZE);
        params.check();
        String teamFilter = Caller.of(token).teamFilter(team);
        return store.scores(band, teamFilter, page, size).map(scores -> new Page(page, size, scores.stream()
                .map(s -> new Summary(s.customerId(), s.score(), s.band(), s.team(), s.tier(), s.asOf())).toList()));
    }
}
