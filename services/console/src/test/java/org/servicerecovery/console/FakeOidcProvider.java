package org.servicerecovery.console;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.smallrye.jwt.build.Jwt;

/**
 * A small OpenID provider on loopback for the code flow, with no sign-in form: whoever is sent to {@code /authorize}
 * comes back as alice (agent, team blue). Discovery, JWKS, authorize, token (client secret checked) and end-session
 * endpoints; {@code /issued} tells the test which access token it handed out last, so the test can look for it.
 */
public class FakeOidcProvider implements QuarkusTestResourceLifecycleManager {

    static final String CLIENT_ID = "service-recovery-console";
    static final String CLIENT_SECRET = "test-secret";

    private final Map<String, String> nonceByCode = new ConcurrentHashMap<>();
    private volatile String lastAccessToken = "";
    private KeyPair keys;
    private HttpServer server;
    private String issuer;

    @Override
    public Map<String, String> start() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            keys = generator.generateKeyPair();
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        issuer = "http://127.0.0.1:" + server.getAddress().getPort();
        server.createContext("/.well-known/openid-configuration", exchange -> respond(exchange, 200, discovery()));
        server.createContext("/jwks", exchange -> respond(exchange, 200, jwks()));
        server.createContext("/authorize", this::authorize);
        server.createContext("/token", this::token);
        server.createContext("/logout", this::logout);
        server.createContext("/issued", exchange -> respond(exchange, 200, lastAccessToken));
        server.start();
        return Map.of("quarkus.oidc.auth-server-url", issuer);
    }

    @Override
    public void stop() {
        server.stop(0);
    }

    private String discovery() {
        return """
                {"issuer":"%1$s","authorization_endpoint":"%1$s/authorize","token_endpoint":"%1$s/token",
                 "jwks_uri":"%1$s/jwks","end_session_endpoint":"%1$s/logout","response_types_supported":["code"],
                 "subject_types_supported":["public"],"id_token_signing_alg_values_supported":["RS256"]}
                """.formatted(issuer);
    }

    private String jwks() {
        RSAPublicKey key = (RSAPublicKey) keys.getPublic();
        return """
                {"keys":[{"kty":"RSA","kid":"k1","use":"sig","alg":"RS256","n":"%s","e":"%s"}]}
                """.formatted(base64(key.getModulus()), base64(key.getPublicExponent()));
    }

    /** Signs alice in at once and sends the browser back with a code, as an IdP does after its login form. */
    private void authorize(HttpExchange exchange) throws IOException {
        Map<String, String> query = form(exchange.getRequestURI().getRawQuery());
        if (!"code".equals(query.get("response_type")) || !CLIENT_ID.equals(query.get("client_id"))) {
            respond(exchange, 400, "{\"error\":\"invalid_request\"}");
            return;
        }
        String code = UUID.randomUUID().toString();
        nonceByCode.put(code, query.getOrDefault("nonce", ""));
        redirect(exchange, query.get("redirect_uri") + "?code=" + code + "&state=" + encode(query.get("state")));
    }

    private void token(HttpExchange exchange) throws IOException {
        Map<String, String> body = form(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        String basic = "Basic " + Base64.getEncoder().encodeToString((CLIENT_ID + ":" + CLIENT_SECRET)
                .getBytes(StandardCharsets.UTF_8));
        String nonce = nonceByCode.remove(body.getOrDefault("code", ""));
        if (!basic.equals(exchange.getRequestHeaders().getFirst("Authorization"))
                || !"authorization_code".equals(body.get("grant_type")) || nonce == null) {
            respond(exchange, 400, "{\"error\":\"invalid_grant\"}");
            return;
        }
        // Like the services' local tokens: role in "groups", team in "team", the user in sub and upn.
        String access = Jwt.issuer(issuer).subject("alice").upn("alice").groups(Set.of("agent")).claim("team", "blue")
                .audience("service-recovery").expiresIn(300).jws().keyId("k1").sign(keys.getPrivate());
        String id = Jwt.issuer(issuer).subject("alice").preferredUserName("alice").audience(CLIENT_ID)
                .claim("nonce", nonce).expiresIn(300).jws().keyId("k1").sign(keys.getPrivate());
        lastAccessToken = access;
        respond(exchange, 200, """
                {"access_token":"%s","id_token":"%s","token_type":"Bearer","expires_in":300}
                """.formatted(access, id));
    }

    /** RP-initiated logout: back to where the console asked, the state echoed. */
    private void logout(HttpExchange exchange) throws IOException {
        Map<String, String> query = form(exchange.getRequestURI().getRawQuery());
        String back = query.get("post_logout_redirect_uri");
        redirect(exchange, back + (query.containsKey("state") ? "?state=" + encode(query.get("state")) : ""));
    }

    private static Map<String, String> form(String encoded) {
        Map<String, String> values = new HashMap<>();
        if (encoded != null && !encoded.isEmpty()) {
            for (String pair : encoded.split("&")) {
                String[] parts = pair.split("=", 2);
                values.put(URLDecoder.decode(parts[0], StandardCharsets.UTF_8),
                        parts.length > 1 ? URLDecoder.decode(parts[1], StandardCharsets.UTF_8) : "");
            }
        }
        return values;
    }

    private static String base64(BigInteger value) {
        byte[] bytes = value.toByteArray();
        // BigInteger adds a sign byte; JWK wants the unsigned big-endian bytes.
        if (bytes[0] == 0 && bytes.length > 1) {
            bytes = Arrays.copyOfRange(bytes, 1, bytes.length);
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value == null ? "" : value, StandardCharsets.UTF_8);
    }

    private static void redirect(HttpExchange exchange, String location) throws IOException {
        exchange.getResponseHeaders().add("Location", location);
        exchange.sendResponseHeaders(302, -1);
        exchange.close();
    }

    private static void respond(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (var out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
