package org.servicerecovery.reliability.deadletters;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;
import org.servicerecovery.reliability.deadletters.DeadLetterViews.Listing;
import org.servicerecovery.reliability.deadletters.DeadLetterViews.Replay;
import org.servicerecovery.servicekit.Problem;
import org.servicerecovery.servicekit.QueryParams;
import org.servicerecovery.servicekit.Roles;

import io.smallrye.common.annotation.Blocking;

/**
 * The service's dead letters for admins: list them with their reasons, replay them to the topics they came from, and
 * see what was replayed. Filters: {@code from}/{@code to} (RFC 3339, when the record was dead-lettered, {@code to}
 * exclusive), {@code reason} (text the dead-letter-reason contains, any case) and {@code reasonRegex} (a Java regular
 * expression found in it).
 */
@Path("/api/v1/admin/dead-letters")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.ADMIN)
@Blocking
public class DeadLetterResource {

    private static final int DEFAULT_LIMIT = 100;
    private static final int MAX_LIMIT = 1000;

    private final DeadLetterReplay replay;
    private final ReplayLog log;
    private final JsonWebToken token;

    public DeadLetterResource(DeadLetterReplay replay, ReplayLog log, JsonWebToken token) {
        this.replay = replay;
        this.log = log;
        this.token = token;
    }

    @GET
    public Listing list(@QueryParam("from") String from, @QueryParam("to") String to,
                        @QueryParam("reason") String reason, @QueryParam("reasonRegex") String reasonRegex,
                        @QueryParam("limit") String limit) {
        QueryParams params = new QueryParams();
        DeadLetterFilter filter = filter(params, from, to, reason, reasonRegex);
        int max = params.integer("limit", limit, DEFAULT_LIMIT, 1, MAX_LIMIT);
        params.check();
        return replay.list(filter, max);
    }

    /** With {@code dryRun=true} nothing is sent or logged; {@code force=true} replays dead letters replayed before. */
    @POST
    @Path("/replay")
    public Replay replay(@QueryParam("from") String from, @QueryParam("to") String to,
                         @QueryParam("reason") String reason, @QueryParam("reasonRegex") String reasonRegex,
                         @QueryParam("dryRun") String dryRun, @QueryParam("force") String force) {
        QueryParams params = new QueryParams();
        DeadLetterFilter filter = filter(params, from, to, reason, reasonRegex);
        boolean dry = flag(params, "dryRun", dryRun);
        boolean forced = flag(params, "force", force);
        params.check();
        return replay.replay(filter, dry, forced, token.getName());
    }

    @GET
    @Path("/replays")
    public List<ReplayLog.Entry> replays(@QueryParam("limit") String limit) {
        QueryParams params = new QueryParams();
        int max = params.integer("limit", limit, DEFAULT_LIMIT, 1, MAX_LIMIT);
        params.check();
        return log.recent(replay.topic(), max);
    }

    @ServerExceptionMapper
    public Response running(ReplayRunning e, UriInfo uri) {
        return problem(Problem.of("replay-running", "Replay already running", 409, e.getMessage(), List.of()), uri);
    }

    @ServerExceptionMapper
    public Response unavailable(DeadLettersUnavailable e, UriInfo uri) {
        return problem(Problem.of("dead-letters-unavailable", "Dead letters unavailable", 503, e.getMessage(), List.of()), uri);
    }

    private static DeadLetterFilter filter(QueryParams params, String from, String to, String reason, String reasonRegex) {
        var start = params.instant("from", from);
        var end = params.instant("to", to);
        params.require(start == null || end == null || start.isBefore(end), "to", "must be after from");
        Pattern pattern = null;
        if (reasonRegex != null && !reasonRegex.isEmpty()) {
            try {
                pattern = Pattern.compile(reasonRegex);
            } catch (PatternSyntaxException e) {
                params.require(false, "reasonRegex", "is not a regular expression: " + e.getDescription());
            }
        }
        return new DeadLetterFilter(start, end, reason == null || reason.isEmpty() ? null : reason, pattern);
    }

    private static boolean flag(QueryParams params, String name, String value) {
        String normalised = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        params.require(List.of("", "true", "false", "1", "0").contains(normalised), name, "must be true or false");
        return normalised.equals("true") || normalised.equals("1");
    }

    private static Response problem(Problem problem, UriInfo uri) {
        return Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(problem.at(uri.getPath())).build();
    }
}
