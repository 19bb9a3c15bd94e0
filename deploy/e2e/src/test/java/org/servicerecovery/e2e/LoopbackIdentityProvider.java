package org.servicerecovery.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;

import com.sun.net.httpserver.HttpServer;

import org.servicerecovery.testing.LoopbackPorts;

/**
 * The identity provider of a production deployment, on loopback: a realm's OpenID Connect discovery document and its
 * JWKS, with the public half of the test JVM's signing key (the key every test token is signed with). The services
 * fetch their verification key from the JWKS URL, and the console discovers its authorization endpoint, as they do
 * from Keycloak. It signs nobody in: browser tests use the console's local sign-in.
 */
final class LoopbackIdentityProvider implements AutoCloseable {

    private final HttpServer server;
    private final String realmPath;

    private LoopbackIdentityProvider(HttpServer server, String realmPath) {
        this.server = server;
        this.realmPath = realmPath;
    }

    /** Serves the realm at {@code realmPath} (e.g. {@code /realms/service-recovery}) with {@code publicKeyPem}'s key. */
    static LoopbackIdentityProvider start(String realmPath, Path publicKeyPem, String issuer) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", LoopbackPorts.reserve()), 0);
            LoopbackIdentityProvider idp = new LoopbackIdentityProvider(server, realmPath);
            String jwks = "{\"keys\":[" + jwk(publicKeyPem) + "]}";
            String base = idp.baseUrl() + realmPath;
            String discovery = json(Map.of(
                    "issuer", issuer,
                    "authorization_endpoint", base + "/protocol/openid-connect/auth",
                    "token_endpoint", base + "/protocol/openid-connect/token",
                    "jwks_uri", base + "/protocol/openid-connect/certs",
                    "end_session_endpoint", base + "/protocol/openid-connect/logout"));
            serve(server, realmPath + "/.well-known/openid-configuration", discovery);
            serve(server, realmPath + "/protocol/openid-connect/certs", jwks);
            server.start();
            return idp;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code http://127.0.0.1:<port>}, where a deployment has {@code https://<its IdP host>}. */
    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    String authorizationEndpoint() {
        return baseUrl() + realmPath + "/protocol/openid-connect/auth";
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private static void serve(HttpServer server, String path, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        server.createContext(path, exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
    }

    /** The RSA public key (PEM, SubjectPublicKeyInfo) as a JWK for RS256 signatures. */
    private static String jwk(Path publicKeyPem) throws IOException {
        String base64 = Files.readString(publicKeyPem).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        try {
            RSAPublicKey key = (RSAPublicKey) KeyFactory.getInstance("RSA")
                    .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(base64)));
            return json(Map.of("kty", "RSA", "use", "sig", "alg", "RS256", "kid", "test-jvm",
                    "n", unsigned(key.getModulus()), "e", unsigned(key.getPublicExponent())));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("not an RSA public key: " + publicKeyPem, e);
        }
    }

    private static String unsigned(BigInteger value) {
        byte[] bytes = value.toByteArray();
        if (bytes[0] == 0 && bytes.length > 1) {
            bytes = Arrays.copyOfRange(bytes, 1, bytes.length);
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** A flat object of strings; none of the values here needs escaping. */
    private static String json(Map<String, String> fields) {
        StringBuilder json = new StringBuilder("{");
        fields.forEach((name, value) -> json.append(json.length() > 1 ? "," : "")
                .append('"').append(name).append("\":\"").append(value).append('"'));
        return json.append('}').toString();
    }
}
