package org.servicerecovery.recovery.api;

import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.servicerecovery.recovery.persistence.PolicyCatalog;
import org.servicerecovery.recovery.persistence.PolicyCatalog.Published;
import org.servicerecovery.servicekit.QueryParams;
import org.servicerecovery.servicekit.Roles;

import io.smallrye.mutiny.Uni;

/**
 * Recovery policy versions (admin). POST takes the YAML itself and publishes it as the next version once it validates;
 * a version is never changed, and running cases keep the version they opened with. Publishing an earlier version's
 * YAML again is the way back to it: a restart never republishes a policy file's earlier content.
 */
@Path("/api/v1/policies")
@RolesAllowed(Roles.ADMIN)
public class PolicyResource {

    /** What a publish answers: the number the new version got. */
    public record PublishedVersion(String id, int version) {
    }

    /** Characters; the body limit (quarkus.http.limits.max-body-size) bounds the bytes. */
    static final int MAX_LENGTH = 256 * 1024;

    private final PolicyCatalog catalog;
    private final JsonWebToken token;

    public PolicyResource(PolicyCatalog catalog, JsonWebToken token) {
        this.catalog = catalog;
        this.token = token;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<List<Published>> list() {
        return catalog.published();
    }

    @POST
    @Consumes({"application/yaml", "application/x-yaml", MediaType.TEXT_PLAIN})
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<Response> publish(String yaml) {
        QueryParams params = new QueryParams();
        // The YAML parser refuses control characters itself; this names the body before anything is parsed or stored.
        String checked = params.requiredText("", yaml, MAX_LENGTH);
        params.check();
        return catalog.publish(checked, token.getSubject())
                .map(policy -> Response.status(201).entity(new PublishedVersion(policy.id(), policy.version())).build());
    }
}
