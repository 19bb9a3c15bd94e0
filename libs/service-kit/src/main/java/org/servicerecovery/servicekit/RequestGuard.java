package org.servicerecovery.servicekit;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.security.AuthenticationCompletionException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.AuthenticationRedirectException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.HttpException;

/**
 * What HTTP itself can get wrong, answered as problem+json before any route or resource sees the request: a URI or
 * headers beyond the limits (414, 431), a body beyond {@code quarkus.http.limits.max-body-size} (413: by its
 * Content-Length, or while reading a chunked body here), a path or query with broken percent-encoding, bytes that are
 * not UTF-8 or control characters (400). And every failure of a plain Vert.x route that
 * would otherwise end with an empty or HTML body (a 413 of a chunked body, a 500) becomes problem+json too; security
 * failures keep Quarkus' own handling (challenges, redirects to the identity provider).
 *
 * <p>Netty refuses a request line or headers beyond {@code quarkus.http.limits.max-initial-line-length} and
 * {@code max-header-size} with a bare 414 or 431 before any handler runs; those are set well above
 * {@code service-kit.http.max-uri-length} and {@code max-header-size}, so that only grossly oversized requests get the
 * bare answer. Quarkus, too, answers a bare 400 before any handler to a URI that {@link java.net.URI} cannot parse
 * ({@code %zz}, a raw {@code |}).
 */
@ApplicationScoped
public class RequestGuard {

    private static final Logger LOG = Logger.getLogger(RequestGuard.class);
    /** Route order -10000: before Quarkus' own body-size check (-2) and every route and resource. */
    private static final int PRIORITY = 10_000;

    private final ObjectMapper json;
    private final int maxUriLength;
    private final long maxHeaderBytes;
    private final Optional<MemorySize> maxBodySize;
    private final Optional<BodyHandler> chunkedBody;

    RequestGuard(ObjectMapper json,
                 @ConfigProperty(name = "service-kit.http.max-uri-length") int maxUriLength,
                 @ConfigProperty(name = "service-kit.http.max-header-size") MemorySize maxHeaderSize,
                 @ConfigProperty(name = "quarkus.http.limits.max-body-size") Optional<MemorySize> maxBodySize) {
        this.json = json;
        this.maxUriLength = maxUriLength;
        this.maxHeaderBytes = maxHeaderSize.asLongValue();
        this.maxBodySize = maxBodySize;
        this.chunkedBody = maxBodySize.map(max -> BodyHandler.create(false).setBodyLimit(max.asLongValue()));
    }

    void register(@Observes Filters filters) {
        filters.register(this::check, PRIORITY);
    }

    void answerFailures(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).failureHandler(this::failed);
    }

    private void check(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        String uri = request.uri();
        if (uri.length() > maxUriLength) {
            refuse(ctx, 414, "The request URI has " + uri.length() + " characters; at most " + maxUriLength
                    + " are accepted.", List.of());
            return;
        }
        long headerBytes = 0;
        for (Map.Entry<String, String> header : request.headers()) {
            headerBytes += header.getKey().length() + header.getValue().length() + 4;
        }
        if (headerBytes > maxHeaderBytes) {
            refuse(ctx, 431, "The request headers have " + headerBytes + " bytes; at most " + maxHeaderBytes
                    + " are accepted.", List.of());
            return;
        }
        if (declaredBodyTooLarge(request)) {
            refuse(ctx, 413, tooLarge(), List.of());
            return;
        }
        List<Problem.FieldError> errors = RequestTarget.problems(request.path(), request.query());
        if (!errors.isEmpty()) {
            refuse(ctx, 400, "The request's path or query cannot be used: "
                    + String.join(", ", errors.stream().map(Problem.FieldError::pointer).toList()) + ".", errors);
            return;
        }
        if (chunkedBody.isPresent() && request.getHeader(HttpHeaders.CONTENT_LENGTH) == null
                && request.headers().contains(HttpHeaders.TRANSFER_ENCODING)) {
            // A body of unknown length is read here up to the limit (beyond it: a 413 through answerFailures); the
            // resources and routes then take it from the routing context (ctx.body()).
            chunkedBody.get().handle(ctx);
            return;
        }
        ctx.next();
    }

    private String tooLarge() {
        return "The request body is larger than the " + maxBodySize.map(MemorySize::asLongValue).orElse(0L)
                + " bytes accepted.";
    }

    private boolean declaredBodyTooLarge(HttpServerRequest request) {
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length == null || maxBodySize.isEmpty()) {
            return false;
        }
        try {
            return Long.parseLong(length.trim()) > maxBodySize.get().asLongValue();
        } catch (NumberFormatException e) {
            // Netty refuses a malformed Content-Length before we see it; nothing to add.
            return false;
        }
    }

    private void failed(RoutingContext ctx) {
        Throwable failure = ctx.failure();
        if (ctx.response().headWritten() || isSecurity(failure)) {
            ctx.next();
            return;
        }
        int status = failure == null ? ctx.statusCode() : failure instanceof HttpException http ? http.getStatusCode() : 500;
        if (status < 400) {
            ctx.next();
            return;
        }
        if (status == 413) {
            refuse(ctx, 413, tooLarge(), List.of());
            return;
        }
        if (status >= 500) {
            LOG.errorf(failure == null ? null : LogSafe.of(failure), "HTTP request to %s failed with %d",
                    LogSafe.of(ctx.request().path()), status);
        }
        refuse(ctx, status, status >= 500 ? "The request failed unexpectedly; it has been logged." : null, List.of());
    }

    private static boolean isSecurity(Throwable failure) {
        return failure instanceof AuthenticationFailedException || failure instanceof AuthenticationRedirectException
                || failure instanceof AuthenticationCompletionException || failure instanceof UnauthorizedException
                || failure instanceof ForbiddenException;
    }

    private void refuse(RoutingContext ctx, int status, String detail, List<Problem.FieldError> errors) {
        String path = ctx.request().path();
        if (status == 413) {
            // The rest of the body is not read: the connection cannot be used for another request.
            HttpServerRequest request = ctx.request();
            ctx.response().putHeader(HttpHeaders.CONNECTION, "close").endHandler(ended -> request.connection().close());
        }
        Problem problem = Problem.of("http-" + status, HttpResponseStatus.valueOf(status).reasonPhrase(), status, detail,
                errors).at(path != null && RequestTarget.printable(path) ? path : null);
        try {
            ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                    .end(json.writeValueAsString(problem));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a problem detail cannot be written as JSON", e);
        }
    }
}
