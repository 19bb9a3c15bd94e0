package org.servicerecovery.console.pages;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.servicerecovery.servicekit.Roles;

import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.mutiny.Uni;

/**
 * The live parts of each page, rendered on the server from the services' answers with the caller's own token and
 * fetched by the page script (again on every poll). Each service is asked in parallel; one that fails leaves a
 * notice naming it while the rest of the page still shows.
 */
@Path("/ui")
@Produces(MediaType.TEXT_HTML)
@RolesAllowed({Roles.AGENT, Roles.SUPERVISOR, Roles.ADMIN})
public class Fragments {

    /** Promises due within this horizon are listed as "at risk" in the queue. */
    private static final Duration PROMISE_HORIZON = Duration.ofHours(24);
    /** The dashboard's reporting window. */
    private static final Duration REPORT_WINDOW = Duration.ofDays(30);

    private final Fetcher fetcher;
    private final JsonWebToken token;
    private final Template queue;
    private final Template recoveryCase;
    private final Template customer;
    private final Template supervisor;
    private final Template policies;

    public Fragments(Fetcher fetcher, JsonWebToken token,
                     @Location("fragments/queue.html") Template queue,
                     @Location("fragments/case.html") Template recoveryCase,
                     @Location("fragments/customer.html") Template customer,
                     @Location("fragments/supervisor.html") Template supervisor,
                     @Location("fragments/policies.html") Template policies) {
        this.fetcher = fetcher;
        this.token = token;
        this.queue = queue;
        this.recoveryCase = recoveryCase;
        this.customer = customer;
        this.supervisor = supervisor;
        this.policies = policies;
    }

    @GET
    @Path("/queue")
    public Uni<TemplateInstance> queue() {
        Instant now = Instant.now();
        return Uni.combine().all().unis(
                        get("/api/v1/cases?state=open&size=100"),
                        get("/api/v1/promises?state=PENDING&sort=dueAt&size=50&owner=" + encode(token.getName())
                                + "&dueTo=" + now.plus(PROMISE_HORIZON).truncatedTo(ChronoUnit.SECONDS)))
                .with((cases, promises) -> queue.data("cases", cases).data("promises", promises).data("me", token.getName()));
    }

    @GET
    @Path("/cases/{id}")
    public Uni<TemplateInstance> recoveryCase(@PathParam("id") String id) {
        String base = "/api/v1/cases/" + encode(id);
        return Uni.combine().all().unis(get(base), get(base + "/timeline"))
                .with((found, timeline) -> recoveryCase.data("id", id).data("found", found).data("timeline", timeline));
    }

    @GET
    @Path("/customers/{id}")
    public Uni<TemplateInstance> customer(@PathParam("id") String id) {
        String customerId = encode(id);
        return Uni.combine().all().unis(
                        get("/api/v1/customers/" + customerId + "/loyalty"),
                        get("/api/v1/promises?customer=" + customerId + "&sort=-dueAt&size=50"),
                        // recovery-escalation has no customer filter: the template keeps this customer's cases.
                        get("/api/v1/cases?size=500"))
                .with((loyalty, promises, cases) -> customer.data("id", id).data("loyalty", loyalty)
                        .data("trend", TrendChart.of(loyalty.data())).data("promises", promises).data("cases", cases));
    }

    @GET
    @Path("/supervisor")
    @RolesAllowed({Roles.SUPERVISOR, Roles.ADMIN})
    public Uni<TemplateInstance> supervisor() {
        Instant to = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        String window = "from=" + to.minus(REPORT_WINDOW) + "&to=" + to;
        return Uni.combine().all().unis(
                        get("/api/v1/escalations"),
                        get("/api/v1/reports/sla?" + window + "&groupBy=team"),
                        get("/api/v1/promises/stats?" + window + "&groupBy=owner"),
                        get("/api/v1/promises/stats?" + window + "&groupBy=team"),
                        get("/api/v1/reports/perception-gap?" + window),
                        get("/api/v1/reports/recovery-paradox?" + window))
                .with((escalations, sla, keptByAgent, keptByTeam, gap, paradox) -> supervisor.data("escalations", escalations)
                        .data("sla", sla).data("keptByAgent", keptByAgent).data("keptByTeam", keptByTeam)
                        .data("gap", gap).data("paradox", paradox).data("days", REPORT_WINDOW.toDays()));
    }

    @GET
    @Path("/policies")
    @RolesAllowed(Roles.ADMIN)
    public Uni<TemplateInstance> policies() {
        return get("/api/v1/policies").map(list -> policies.data("policies", list));
    }

    private Uni<Fetched> get(String pathAndQuery) {
        return fetcher.get(pathAndQuery, token.getRawToken());
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
