package org.servicerecovery.console.pages;

import java.net.URI;

import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateInstance;

/**
 * The pages' frames: navigation, headings and a region the script fills from {@link Fragments}. They hold no data,
 * so they need no token; the data behind them does.
 */
@Path("/")
@Produces(MediaType.TEXT_HTML)
@PermitAll
public class Pages {

    private final Template page;

    public Pages(@Location("page.html") Template page) {
        this.page = page;
    }

    @GET
    public Response home() {
        return Response.seeOther(URI.create("/queue")).build();
    }

    @GET
    @Path("queue")
    public TemplateInstance queue() {
        return frame("queue", "My queue", "/ui/queue", 5);
    }

    @GET
    @Path("cases/{id}")
    public TemplateInstance recoveryCase(@PathParam("id") String id) {
        return frame("case", "Case " + id, "/ui/cases/" + id, 5);
    }

    @GET
    @Path("customers/{id}")
    public TemplateInstance customer(@PathParam("id") String id) {
        return frame("customer", "Customer " + id, "/ui/customers/" + id, 15);
    }

    @GET
    @Path("supervisor")
    public TemplateInstance supervisor() {
        return frame("supervisor", "Supervisor dashboard", "/ui/supervisor", 15);
    }

    @GET
    @Path("policies")
    public TemplateInstance policies() {
        return frame("policies", "Recovery policies", "/ui/policies", 0);
    }

    /**
     * {@code pollSeconds}: how often the live region is fetched again; deadlines need seconds, reports minutes at most
     * (each dashboard refresh asks five services), policy versions change only when an admin publishes (0: never).
     */
    private TemplateInstance frame(String name, String title, String fragment, int pollSeconds) {
        return page.data("name", name).data("title", title).data("fragment", fragment).data("poll", pollSeconds);
    }
}
