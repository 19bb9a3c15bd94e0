package org.servicerecovery.console;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.containsStringIgnoringCase;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * The authorization code flow end to end against {@link FakeOidcProvider}, redirect by redirect the way a browser
 * follows them (cookies kept per host): the console sends an unknown visitor to the IdP, takes the code back, keeps
 * the tokens in its own HttpOnly session cookie and forwards the access token to the services; the page carries none.
 */
@QuarkusTest
@TestProfile(OidcLogin.class)
class OidcLoginTest {

    @TestHTTPResource("/")
    URI console;

    @ConfigProperty(name = "quarkus.oidc.auth-server-url")
    String idp;

    private final HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieManager())
            .followRedirects(HttpClient.Redirect.NEVER).build();

    @Test
    void signsInThroughTheIdpAndForwardsTheAccessTokenOnly() throws Exception {
        HttpResponse<String> first = get(console.resolve("/queue"));
        assertEquals(302, first.statusCode());
        String authorize = location(first);
        assertThat(authorize, allOf(startsWith(idp + "/authorize?"), containsString("response_type=code"),
                containsString("client_id=" + FakeOidcProvider.CLIENT_ID)));

        HttpResponse<String> callback = get(URI.create(location(get(URI.create(authorize)))));
        assertEquals(302, callback.statusCode(), "the console exchanges the code and sends the browser on");
        String session = callback.headers().allValues("Set-Cookie").stream()
                .filter(cookie -> cookie.startsWith("q_session")).findFirst().orElseThrow();
        assertThat(session, allOf(containsStringIgnoringCase("HttpOnly"), containsString("SameSite=Lax")));

        HttpResponse<String> queue = follow(callback);
        assertEquals(200, queue.statusCode());
        String accessToken = get(URI.create(idp + "/issued")).body();
        assertThat(queue.body(), allOf(containsString("data-auth=\"oidc\""), containsString("data-user=\"alice\""),
                containsString("data-groups=\"agent\""), not(containsString(accessToken)), not(containsString("eyJ"))));

        HttpResponse<String> echo = get(console.resolve("/api/v1/promises/echo/p-1"));
        assertEquals(200, echo.statusCode());
        assertThat(echo.body(), containsString("\"authorization\":\"Bearer " + accessToken + "\""));
        assertThat(get(console.resolve("/ui/queue")).body(), containsString("Call back about the refund"));
    }

    @Test
    void theScriptsCallsWithoutSessionGet499NotARedirect() throws Exception {
        HttpResponse<String> answer = browser.send(HttpRequest.newBuilder(console.resolve("/ui/queue"))
                .header("X-Requested-With", "JavaScript").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(499, answer.statusCode());
    }

    @Test
    void signOutEndsTheSessionAtTheIdpAndComesBackToTheSignInPage() throws Exception {
        follow(get(URI.create(location(get(URI.create(location(get(console.resolve("/queue")))))))));
        HttpResponse<String> signOut = get(console.resolve("/signout"));
        assertEquals(302, signOut.statusCode());
        assertThat(location(signOut), allOf(startsWith(idp + "/logout?"), containsString("id_token_hint=")));
        HttpResponse<String> back = get(URI.create(location(get(URI.create(location(signOut))))));
        assertThat(back.body(), containsString("You are signed out."));
        assertEquals(302, get(console.resolve("/queue")).statusCode(), "the session is gone");
    }

    @Test
    void theDemoSignInIsOffAndHealthStaysOpen() throws Exception {
        assertThat(get(console.resolve("/signin")).body(), not(containsString("class=\"sign-in\"")));
        assertEquals(404, browser.send(HttpRequest.newBuilder(console.resolve("/signin/alice"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
        assertEquals(200, get(console.resolve("/q/health/live")).statusCode());
    }

    private HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
        return browser.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Follows the console's own redirects (same origin), as the browser would. */
    private HttpResponse<String> follow(HttpResponse<String> response) throws IOException, InterruptedException {
        while (response.statusCode() == 302) {
            response = get(response.uri().resolve(location(response)));
        }
        return response;
    }

    private static String location(HttpResponse<String> response) {
        List<String> location = response.headers().allValues("Location");
        assertEquals(1, location.size(), "one Location header");
        return location.get(0);
    }
}
