package org.servicerecovery.servicekit;

import java.util.List;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;

/** Turns every failure of a REST call into {@code application/problem+json}; internals never leak to the caller. */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    @ServerExceptionMapper
    public Response unauthenticated(AuthenticationFailedException e, UriInfo uri) {
        return unauthorized(uri);
    }

    @ServerExceptionMapper
    public Response unauthenticated(UnauthorizedException e, UriInfo uri) {
        return unauthorized(uri);
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e, UriInfo uri) {
        return respond(Problem.of("forbidden", "Forbidden", 403,
                "Your role does not allow this operation.", List.of()), uri);
    }

    /** Every parameter or field that {@link QueryParams} found unusable, named by its pointer. */
    @ServerExceptionMapper
    public Response invalid(InvalidParameters e, UriInfo uri) {
        return respond(Problem.of("validation", "Invalid request", 400,
                e.getMessage() + ": " + String.join(", ", e.errors().stream().map(Problem.FieldError::pointer).toList()),
                e.errors()), uri);
    }

    @ServerExceptionMapper
    public Response invalid(ConstraintViolationException e, UriInfo uri) {
        List<Problem.FieldError> errors = e.getConstraintViolations().stream()
                .map(ProblemMappers::fieldError)
                .sorted(java.util.Comparator.comparing(Problem.FieldError::pointer))
                .toList();
        return respond(Problem.of("validation", "Invalid request", 400,
                errors.size() + " field(s) are invalid.", errors), uri);
    }

    @ServerExceptionMapper
    public Response unreadable(JsonProcessingException e, UriInfo uri) {
        String pointer = e instanceof JsonMappingException mapping ? JsonPointers.of(mapping.getPath()) : "";
        return respond(Problem.of("malformed-json", "Malformed JSON", 400, e.getOriginalMessage(),
                List.of(new Problem.FieldError(pointer, e.getOriginalMessage()))), uri);
    }

    @ServerExceptionMapper
    public Response http(WebApplicationException e, UriInfo uri) {
        Response.StatusType status = e.getResponse().getStatusInfo();
        return respond(Problem.of("http-" + status.getStatusCode(), status.getReasonPhrase(), status.getStatusCode(),
                e.getMessage(), List.of()), uri);
    }

    @ServerExceptionMapper
    public Response unexpected(Exception e, UriInfo uri) {
        LOG.errorf(e, "Unexpected failure on %s", uri.getPath());
        return respond(Problem.of("internal", "Internal Server Error", 500,
                "The request failed unexpectedly; it has been logged.", List.of()), uri);
    }

    private static Response unauthorized(UriInfo uri) {
        return Response.fromResponse(respond(Problem.of("unauthorized", "Unauthorized", 401,
                        "A valid bearer token is required.", List.of()), uri))
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer")
                .build();
    }

    private static Problem.FieldError fieldError(ConstraintViolation<?> violation) {
        return new Problem.FieldError(JsonPointers.ofPropertyPath(violation.getPropertyPath()), violation.getMessage());
    }

    private static Response respond(Problem problem, UriInfo uri) {
        return Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(problem.at(uri.getPath())).build();
    }
}
