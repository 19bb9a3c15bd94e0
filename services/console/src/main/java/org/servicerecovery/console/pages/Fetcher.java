package org.servicerecovery.console.pages;

import java.io.IOException;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.servicerecovery.console.gateway.GatewayProblem;
import org.servicerecovery.console.gateway.Route;
import org.servicerecovery.console.gateway.ServiceClient;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.smallrye.mutiny.Uni;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;

/** Reads a service's API on behalf of the signed-in user, with their token, for a server-rendered fragment. */
@ApplicationScoped
public class Fetcher {

    private final ServiceClient client;
    private final ObjectMapper json;

    public Fetcher(ServiceClient client, ObjectMapper json) {
        this.client = client;
        this.json = json;
    }

    public Uni<Fetched> get(String pathAndQuery, String bearerToken) {
        String path = pathAndQuery.split("\\?", 2)[0];
        Route route = Route.of(path, client.backends())
                .orElseThrow(() -> new IllegalArgumentException("no service serves " + path));
        MultiMap headers = MultiMap.caseInsensitiveMultiMap()
                .add("Authorization", "Bearer " + bearerToken).add("Accept", "application/json");
        return client.send(route, HttpMethod.GET, pathAndQuery, headers, null)
                .map(answer -> {
                    if (answer.statusCode() / 100 != 2) {
                        return Fetched.failed(route.service() + " answered " + answer.statusCode()
                                + detail(answer.bodyAsString()));
                    }
                    try {
                        return Fetched.of(json.readValue(answer.bodyAsString(), Object.class));
                    } catch (IOException e) {
                        return Fetched.failed(route.service() + " answered something that is not JSON");
                    }
                })
                .onFailure().recoverWithItem(failure -> Fetched.failed(GatewayProblem.of(route, failure, path).detail()));
    }

    private String detail(String body) {
        try {
            Object problem = body == null ? null : json.readValue(body, Object.class);
            return problem instanceof Map<?, ?> map && map.get("detail") != null ? ": " + map.get("detail") : "";
        } catch (IOException e) {
            return "";
        }
    }
}
