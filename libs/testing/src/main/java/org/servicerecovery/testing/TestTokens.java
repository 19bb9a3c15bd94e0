package org.servicerecovery.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import org.servicerecovery.localinfra.DevTokens;

/** Signed bearer tokens that the services under test accept, and a few they must refuse. */
public final class TestTokens {

    private TestTokens() {
    }

    public static String agent(String subject, String team) {
        return token(subject, "agent", team);
    }

    public static String supervisor(String subject, String team) {
        return token(subject, "supervisor", team);
    }

    public static String admin() {
        return token("admin", "admin", null);
    }

    public static String crm() {
        return token("crm-connector", "crm", null);
    }

    public static String token(String subject, String role, String team) {
        return tokens().token(subject, role, team, Duration.ofHours(1));
    }

    public static String expired(String role) {
        return tokens().token("late", role, null, Duration.ofHours(-1));
    }

    /**
     * Signed by the trusted key, with the claims of a {@code role} valid for an hour, then {@code extra} on top: each of
     * its entries (a claim name and its raw JSON value) replaces or adds one claim, e.g. {@code "team", "[\"a\",\"b\"]"};
     * a null value removes the claim.
     */
    public static String withClaims(String role, Map<String, String> extra) {
        long now = Instant.now().getEpochSecond();
        Map<String, String> claims = new LinkedHashMap<>();
        claims.put("iss", "\"" + DevTokens.ISSUER + "\"");
        claims.put("aud", "\"" + DevTokens.AUDIENCE + "\"");
        claims.put("sub", "\"claims-test\"");
        claims.put("upn", "\"claims-test\"");
        claims.put("groups", "[\"" + role + "\"]");
        claims.put("iat", Long.toString(now));
        claims.put("exp", Long.toString(now + 3600));
        claims.putAll(extra);
        claims.values().removeIf(java.util.Objects::isNull);
        StringBuilder json = new StringBuilder("{");
        claims.forEach((name, value) -> json.append(json.length() > 1 ? "," : "").append('"').append(name).append("\":")
                .append(value));
        return tokens().sign(json.append('}').toString());
    }

    /** Correctly formed and signed, but by a key the services do not trust. */
    public static String signedByStranger(String role) {
        try {
            return DevTokens.inDirectory(java.nio.file.Files.createTempDirectory("stranger-jwt"))
                    .token("stranger", role, null, Duration.ofHours(1));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static DevTokens tokens() {
        try {
            return DevTokens.inDirectory(SharedInfrastructure.signingKeyDir());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
