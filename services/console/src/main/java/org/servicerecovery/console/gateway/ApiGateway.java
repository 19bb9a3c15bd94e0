package org.servicerecovery.console.gateway;

import java.util.Locale;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;
import org.servicerecovery.console.signin.SignInMode;
import org.servicerecovery.servicekit.LogSafe;
import org.servicerecovery.servicekit.Problem;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.oidc.AccessTokenCredential;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.mutiny.core.buffer.Buffer;

/**
 * Forwards the services' API paths (see {@link Route}) so the browser talks to one origin. The caller's token goes
 * through untouched: the bearer token the browser sent (local sign-in) or, signed in with OIDC, the access token of the
 * session (the browser holds none). Each service decides what this caller may see, the console never widens it. The services'
 * answers, 401 and 403 included, reach the browser as they are; only an unreachable or slow service becomes a
 * problem+json 502 or 504 naming it. Paths of no service fall through to the console's own REST endpoints.
 */
@ApplicationScoped
public class ApiGateway {

    private static final Logger LOG = Logger.getLogger(ApiGateway.class);
    private static final Set<String> REQUEST_HEADERS = Set.of("authorization", "accept", "accept-language",
            "content-type", "idempotency-key", "if-match", "if-none-match", "x-request-id");
    private static final Set<String> RESPONSE_HEADERS = Set.of("content-type", "www-authenticate", "location",
            "retry-after", "etag", "cache-control", "x-request-id");

    private final ServiceClient client;
    private final ObjectMapper json;
    private final SignInMode mode;

    public ApiGateway(ServiceClient client, ObjectMapper json, SignInMode mode) {
        this.client = client;
        this.json = json;
        this.mode = mode;
    }

    void register(@Observes Router router) {
        router.route("/api/v1/*").handler(this::forward);
    }

    private void forward(RoutingContext ctx) {
        var request = ctx.request();
        // Route and forward the normalised path: what is checked is exactly what the service receives ("/.." and all).
        String path = ctx.normalizedPath();
        var route = Route.of(path, client.backends()).orElse(null);
        if (route == null) {
            ctx.next();
            return;
        }
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        request.headers().forEach(header -> {
            if (REQUEST_HEADERS.contains(header.getKey().toLowerCase(Locale.ROOT))) {
                headers.add(header.getKey(), header.getValue());
            }
        });
        // A chunked body has been read already (service-kit's RequestGuard bounds it); others stream in now.
        io.vertx.core.buffer.Buffer read = ctx.body().buffer();
        (read != null ? Future.succeededFuture(read) : request.body()).onFailure(ctx::fail).onSuccess(body -> authorize(ctx, headers)
                .chain(() -> client.send(route, request.method(),
                        request.query() == null ? path : path + "?" + request.query(), headers, Buffer.newInstance(body)))
                .subscribe().with(answer -> {
                    var response = ctx.response().setStatusCode(answer.statusCode());
                    answer.headers().forEach(header -> {
                        if (RESPONSE_HEADERS.contains(header.getKey().toLowerCase(Locale.ROOT))) {
                            response.headers().add(header.getKey(), header.getValue());
                        }
                    });
                    Buffer payload = answer.body();
                    response.end(payload == null ? io.vertx.core.buffer.Buffer.buffer() : payload.getDelegate());
                }, failure -> {
                    LOG.warnf("%s %s: %s unreachable: %s", request.method(), LogSafe.of(path), route.service(),
                            LogSafe.of(failure.toString()));
                    respond(ctx, GatewayProblem.of(route, failure, path));
                }));
        // Quarkus hands requests to routes paused, so that a body handler can attach first; ours is attached now.
        request.resume();
    }

    /**
     * With OIDC, whatever Authorization header came along is replaced by the session's access token. The HTTP
     * permission on /api/* has made sure there is a signed-in caller before this route runs.
     */
    private Uni<Void> authorize(RoutingContext ctx, MultiMap headers) {
        if (!mode.oidc()) {
            return Uni.createFrom().voidItem();
        }
        headers.remove("Authorization");
        return QuarkusHttpUser.getSecurityIdentity(ctx, null)
                .invoke(identity -> {
                    // The access token, never the ID token: that one is meant for the console alone.
                    AccessTokenCredential access = identity.getCredential(AccessTokenCredential.class);
                    if (access != null) {
                        headers.set("Authorization", "Bearer " + access.getToken());
                    }
                })
                .replaceWithVoid();
    }

    private void respond(RoutingContext ctx, GatewayProblem problem) {
        try {
            ctx.response().setStatusCode(problem.status())
                    .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                    .end(json.writeValueAsString(problem));
        } catch (JsonProcessingException e) {
            ctx.fail(e);
        }
    }
}
