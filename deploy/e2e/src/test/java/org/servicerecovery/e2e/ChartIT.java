package org.servicerecovery.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The running system is the Helm chart's Deployments with values-production.yaml ({@link RunningSystem}); the story
 * and the browser test prove it works. This proves the chart and the services agree on every setting: nothing the chart
 * sets is ignored, and the console does what its production values say (OpenID Connect at the identity provider).
 * Runs after them in {@link SystemIT}, so that it reads their whole logs.
 */
class ChartIT {

    private static RunningSystem system;

    @BeforeAll
    static void startTheSystem() {
        system = RunningSystem.withStoryPolicy();
    }

    @Test
    void theConsoleSendsPeopleToTheIdentityProviderToSignIn() throws Exception {
        HttpResponse<Void> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(system.chartConsole())).build(), HttpResponse.BodyHandlers.discarding());
        assertEquals(302, response.statusCode());
        String location = URLDecoder.decode(response.headers().firstValue("Location").orElseThrow(), StandardCharsets.UTF_8);
        assertTrue(location.startsWith(system.identityProvider().authorizationEndpoint() + "?"), location);
        assertTrue(location.contains("client_id=service-recovery-console"), location);
        // TLS ends at the ingress: the browser comes back over https
        assertTrue(location.contains("redirect_uri=https://"), location);
    }

    @Test
    void everySettingTheChartGivesAServiceIsOneItReads() {
        system.chartConsole();
        List<String> ignored = system.ignoredSettings();
        assertEquals(List.of(), ignored, "settings of the chart that a service ignores");
    }
}
