package org.servicerecovery.loyalty.api;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.servicerecovery.loyalty.application.Rebuild;
import org.servicerecovery.servicekit.Roles;

import io.smallrye.mutiny.Uni;

@Path("/api/v1/admin/rebuild")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.ADMIN)
public class AdminResource {

    private final Rebuild rebuild;

    public AdminResource(Rebuild rebuild) {
        this.rebuild = rebuild;
    }

    /** Recomputes every score from the stored history (after a weights change); says how many changed. */
    @POST
    public Uni<Rebuild.Outcome> rebuild() {
        return rebuild.everyScore();
    }
}
