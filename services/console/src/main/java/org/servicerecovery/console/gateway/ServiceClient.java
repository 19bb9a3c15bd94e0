package org.servicerecovery.console.gateway;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.ext.web.client.HttpResponse;
import io.vertx.mutiny.ext.web.client.WebClient;

/** One pooled, non-blocking HTTP client for all four services; every call has a deadline. */
@ApplicationScoped
public class ServiceClient {

    private final WebClient client;
    private final Backends backends;

    public ServiceClient(Vertx vertx, Backends backends) {
        this.backends = backends;
        this.client = WebClient.create(vertx, new WebClientOptions()
                .setConnectTimeout((int) backends.connectTimeout().toMillis())
                // The browser follows redirects itself; the console must not hide them.
                .setFollowRedirects(false)
                .setUserAgent("service-recovery-console"));
    }

    public Backends backends() {
        return backends;
    }

    /** {@code pathAndQuery} is the service's own path, e.g. {@code /api/v1/cases?state=open}. */
    public Uni<HttpResponse<Buffer>> send(Route route, HttpMethod method, String pathAndQuery, MultiMap headers,
                                          Buffer body) {
        var request = client.requestAbs(method, route.baseUrl() + pathAndQuery)
                .putHeaders(io.vertx.mutiny.core.MultiMap.newInstance(headers))
                .timeout(backends.requestTimeout().toMillis());
        return body == null || body.length() == 0 ? request.send() : request.sendBuffer(body);
    }
}
