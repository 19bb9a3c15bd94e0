package org.servicerecovery.promises.api;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;
import org.servicerecovery.servicekit.Problem;

public class InvalidParametersMapper {

    @ServerExceptionMapper
    public Response invalid(InvalidParameters e, UriInfo uri) {
        Problem problem = Problem.of("validation", "Invalid request", 400,
                e.getMessage() + ": " + String.join(", ", e.errors().stream().map(Problem.FieldError::pointer).toList()),
                e.errors());
        return Response.status(400).type(Problem.MEDIA_TYPE).entity(problem.at(uri.getPath())).build();
    }
}
