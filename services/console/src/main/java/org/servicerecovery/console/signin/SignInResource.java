package org.servicerecovery.console.signin;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.ForbiddenException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;

import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateInstance;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;

/**
 * Local runs only: pick a demo user, get their token. With no local key configured (or with OIDC on) the page says so
 * and {@code POST /signin/{user}} answers 404, so a deployment cannot hand out tokens by accident; a request that is
 * not for this console on loopback answers 403. With OIDC it is where the IdP sends people back after signing out.
 */
@Path("/signin")
@PermitAll
public class SignInResource {

    public record SignedIn(String user, String role, String team, String token) {
    }

    private final LocalTokenIssuer issuer;
    private final SignInMode mode;
    private final Template signin;

    public SignInResource(LocalTokenIssuer issuer, SignInMode mode, @Location("signin.html") Template signin) {
        this.issuer = issuer;
        this.mode = mode;
        this.signin = signin;
    }

    @GET
    @Produces(MediaType.TEXT_HTML)
    public TemplateInstance page() {
        return signin.data("enabled", issuer.enabled()).data("oidc", mode.oidc())
                .data("users", issuer.enabled() ? DemoUser.ALL : List.of());
    }

    /** Only for this console's own page on loopback: see {@link LoopbackOnly}. */
    @POST
    @Path("/{user}")
    @Produces(MediaType.APPLICATION_JSON)
    public SignedIn signIn(@PathParam("user") String name, @Context HttpServerRequest request) {
        DemoUser user = DemoUser.named(name).orElseThrow(() -> new NotFoundException("No demo user " + name + "."));
        if (!issuer.enabled()) {
            throw new NotFoundException("Local sign-in is off.");
        }
        LoopbackOnly.problem(request.getHeader(HttpHeaders.HOST), request.getHeader(HttpHeaders.ORIGIN),
                request.localAddress().port(), isLoopback(request.remoteAddress())).ifPresent(problem -> {
                    throw new ForbiddenException(problem);
                });
        String token = issuer.token(user).orElseThrow(() -> new NotFoundException("Local sign-in is off."));
        return new SignedIn(user.name(), user.role(), user.team(), token);
    }

    private static boolean isLoopback(SocketAddress remote) {
        try {
            return remote != null && remote.hostAddress() != null && InetAddress.getByName(remote.hostAddress()).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
