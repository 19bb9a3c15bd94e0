package org.servicerecovery.recovery.api;

import java.util.List;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;
import org.servicerecovery.recovery.domain.InvalidPolicyException;
import org.servicerecovery.recovery.domain.TransitionException;
import org.servicerecovery.servicekit.Problem;

/** The service's own errors as problem+json, next to service-kit's generic ones. */
public class RecoveryProblems {

    @ServerExceptionMapper
    public Response invalid(InvalidParameters e, UriInfo uri) {
        return respond(Problem.of("validation", "Invalid request", 400,
                e.getMessage() + ": " + String.join(", ", e.errors().stream().map(Problem.FieldError::pointer).toList()),
                e.errors()), uri);
    }

    /** 409 whose detail names the state the case is in, e.g. "Cannot resume: the case is open." */
    @ServerExceptionMapper
    public Response illegalTransition(TransitionException e, UriInfo uri) {
        return respond(Problem.of("illegal-transition", "Conflict", 409, e.getMessage(), List.of()), uri);
    }

    /** Each policy problem as a field error whose pointer is the path inside the YAML. */
    @ServerExceptionMapper
    public Response invalidPolicy(InvalidPolicyException e, UriInfo uri) {
        List<Problem.FieldError> errors = e.errors().stream().map(error -> {
            int colon = error.indexOf(": ");
            return colon < 0 ? new Problem.FieldError("", error)
                    : new Problem.FieldError(error.substring(0, colon), error.substring(colon + 2));
        }).toList();
        return respond(Problem.of("invalid-policy", "Invalid policy", 400,
                e.errors().size() + " problem(s) in the policy", errors), uri);
    }

    private static Response respond(Problem problem, UriInfo uri) {
        return Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(problem.at(uri.getPath())).build();
    }
}
