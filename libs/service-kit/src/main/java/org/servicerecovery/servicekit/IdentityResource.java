package org.servicerecovery.servicekit;

import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.Set;
import java.util.TreeSet;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.jwt.JsonWebToken;

/** Who the caller is, as this service sees the token, and what this service is: the first things to check in support. */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
public class IdentityResource {

    public record Caller(String subject, Set<String> roles, String team) {
    }

    public record ServiceInfo(String service, String version, Instant startedAt, String java, Caller caller) {
    }

    private final JsonWebToken token;
    private final String service;
    private final String version;

    public IdentityResource(JsonWebToken token,
                            @ConfigProperty(name = "quarkus.application.name") String service,
                            @ConfigProperty(name = "quarkus.application.version") String version) {
        this.token = token;
        this.service = service;
        this.version = version;
    }

    @GET
    @Path("/me")
    @RolesAllowed({Roles.AGENT, Roles.SUPERVISOR, Roles.ADMIN, Roles.CRM})
    public Caller me() {
        return new Caller(token.getSubject(), new TreeSet<>(token.getGroups()), Roles.team(token));
    }

    @GET
    @Path("/admin/info")
    @RolesAllowed(Roles.ADMIN)
    public ServiceInfo info() {
        Instant startedAt = Instant.ofEpochMilli(ManagementFactory.getRuntimeMXBean().getStartTime());
        return new ServiceInfo(service, version, startedAt, Runtime.version().toString(), me());
    }
}
