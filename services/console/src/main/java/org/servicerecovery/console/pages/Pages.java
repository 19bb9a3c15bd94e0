package org.servicerecovery.console.pages;

import java.net.URI;
import java.util.TreeSet;

import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.servicerecovery.console.signin.SignInMode;
import org.servicerecovery.servicekit.Roles;

import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateInstance;

/**
 * The pages' frames: navigation, headings and a region the script fills from {@link Fragments}. They hold no data,
 * so they need no token; the data behind them does. Signed in with OIDC (where the HTTP permission has sent the
 * browser to the IdP first) the frame also says who is signed in, since the script has no token to read it from.
 */
@Path("/")
@Produces(MediaType.TEXT_HTML)
@PermitAll
public class Pages {

    private final Template page;
    private final SignInMode mode;
    private final JsonWebToken caller;

    public Pages(@Location("page.html") Template page, SignInMode mode, JsonWebToken caller) {
        this.page = page;
        this.mode = mode;
        this.caller = caller;
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
        TemplateInstance frame = page.data("name", name).data("title", title).data("fragment", fragment)
                .data("poll", pollSeconds).data("oidc", mode.oidc());
        if (!mode.oidc()) {
            return frame;
        }
        return frame.data("user", caller.getName()).data("team", Roles.team(caller))
                .data("roles", String.join(" ", new TreeSet<>(caller.getGroups())));
    }
}
