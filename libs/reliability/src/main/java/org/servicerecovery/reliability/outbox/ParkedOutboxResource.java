package org.servicerecovery.reliability.outbox;

import java.sql.SQLException;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.servicerecovery.servicekit.QueryParams;
import org.servicerecovery.servicekit.Roles;

/**
 * Outbox rows Kafka refused for good, in every service that has an outbox: list them, look at one with its payload,
 * retry one (back into the outbox, behind every row waiting there) or discard it. Admins only.
 */
@Path("/api/v1/admin/outbox/parked")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.ADMIN)
public class ParkedOutboxResource {

    static final int MAX_LIMIT = 500;

    public record ParkedPage(List<ParkedOutbox.Parked> items, long total) {
    }

    public record Retried(long parkedId, long outboxId) {
    }

    private final ParkedOutbox parked;

    public ParkedOutboxResource(ParkedOutbox parked) {
        this.parked = parked;
    }

    /** Oldest first, without payloads (one may be megabytes). */
    @GET
    public ParkedPage list(@QueryParam("limit") String limit) throws SQLException {
        QueryParams params = new QueryParams();
        int size = params.integer("limit", limit, 100, 1, MAX_LIMIT);
        params.check();
        return new ParkedPage(parked.list(size), parked.count());
    }

    @GET
    @Path("/{id}")
    public ParkedOutbox.ParkedWithPayload get(@PathParam("id") long id) throws SQLException {
        return parked.find(id).orElseThrow(() -> notFound(id));
    }

    @POST
    @Path("/{id}/retry")
    public Retried retry(@PathParam("id") long id) throws SQLException {
        return parked.retry(id).map(outboxId -> new Retried(id, outboxId)).orElseThrow(() -> notFound(id));
    }

    @DELETE
    @Path("/{id}")
    public void discard(@PathParam("id") long id) throws SQLException {
        if (!parked.discard(id)) {
            throw notFound(id);
        }
    }

    private static NotFoundException notFound(long id) {
        return new NotFoundException("No parked outbox row " + id + ".");
    }
}
