package org.servicerecovery.servicekit;

import java.time.temporal.Temporal;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

import jakarta.enterprise.inject.Instance;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;

/** Turns every failure of a REST call into {@code application/problem+json}; internals never leak to the caller. */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);
    private static final int RETRY_AFTER_SECONDS = 5;

    private final Instance<PassingFailures> passingFailures;

    public ProblemMappers(Instance<PassingFailures> passingFailures) {
        this.passingFailures = passingFailures;
    }

    @ServerExceptionMapper
    public Response unauthenticated(AuthenticationFailedException e, UriInfo uri) {
        for (Throwable cause = e.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            if (cause instanceof InvalidTokenClaims claims) {
                return unusableClaims(claims, uri);
            }
        }
        return unauthorized(uri);
    }

    @ServerExceptionMapper
    public Response unauthenticated(UnauthorizedException e, UriInfo uri) {
        return unauthorized(uri);
    }

    /** A correctly signed token with claims the services cannot use: which ones, so the identity provider can be fixed. */
    private static Response unusableClaims(InvalidTokenClaims e, UriInfo uri) {
        return Response.fromResponse(respond(Problem.of("invalid-token-claims", "Unauthorized", 401,
                        "The token's claims cannot be used: " + String.join(", ", e.errors().stream()
                                .map(Problem.FieldError::pointer).toList()), e.errors()), uri))
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer error=\"invalid_token\"")
                .build();
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
                .sorted(Comparator.comparing(Problem.FieldError::pointer))
                .toList();
        return respond(Problem.of("validation", "Invalid request", 400,
                errors.size() + " field(s) are invalid.", errors), uri);
    }

    /**
     * A body that is not JSON, or a field of the wrong type ({@code {"note": {}}}, {@code {"value": "abc"}}), named by
     * its pointer. Ahead of quarkus-rest-jackson's own mapper for mismatched input, whose body is not problem+json.
     */
    @ServerExceptionMapper(priority = Priorities.USER - 100)
    public Response unreadable(MismatchedInputException e, UriInfo uri) {
        return unreadable((JsonProcessingException) e, uri);
    }

    @ServerExceptionMapper
    public Response unreadable(JsonProcessingException e, UriInfo uri) {
        String pointer = e instanceof JsonMappingException mapping ? JsonPointers.of(mapping.getPath()) : "";
        String detail = !(e instanceof JsonMappingException) ? "The body is not valid JSON."
                : pointer.isEmpty() ? "The body has the wrong type." : pointer + " has the wrong type or format.";
        String error = e instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null
                ? expected(mismatch.getTargetType()) : e.getOriginalMessage();
        return respond(Problem.of("malformed-json", "Malformed JSON", 400, detail,
                List.of(new Problem.FieldError(pointer, error))), uri);
    }

    /** What a field of this Java type takes, in JSON's words. */
    private static String expected(Class<?> type) {
        if (CharSequence.class.isAssignableFrom(type) || type.isEnum()) {
            return "must be a string";
        }
        if (Number.class.isAssignableFrom(type) || type.isPrimitive() && type != boolean.class) {
            return "must be a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "must be true or false";
        }
        if (Temporal.class.isAssignableFrom(type)) {
            return "must be an RFC 3339 timestamp, e.g. 2025-01-31T17:00:00Z";
        }
        if (type.isArray() || Collection.class.isAssignableFrom(type)) {
            return "must be an array";
        }
        return "must be an object";
    }

    @ServerExceptionMapper
    public Response http(WebApplicationException e, UriInfo uri) {
        if (e.getCause() instanceof JsonProcessingException unreadable) {
            return unreadable(unreadable, uri);
        }
        Response.StatusType status = e.getResponse().getStatusInfo();
        return respond(Problem.of("http-" + status.getStatusCode(), status.getReasonPhrase(), status.getStatusCode(),
                e.getMessage(), List.of()), uri);
    }

    @ServerExceptionMapper
    public Response unexpected(Exception e, UriInfo uri) {
        if (passingFailures.stream().anyMatch(kind -> kind.isPassing(e))) {
            LOG.warnf("%s unavailable for now: %s", LogSafe.of(uri.getPath()), LogSafe.of(String.valueOf(e)));
            return Response.fromResponse(respond(Problem.of("unavailable", "Service Unavailable", 503,
                            "A dependency of this service is briefly unavailable; retry in a few seconds.", List.of()), uri))
                    .header(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS)
                    .build();
        }
        LOG.errorf(LogSafe.of(e), "Unexpected failure on %s", LogSafe.of(uri.getPath()));
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
