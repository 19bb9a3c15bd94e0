package org.servicerecovery.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;

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
        SharedInfrastructure.get();
        try {
            return DevTokens.inDirectory(Path.of(System.getProperty(SharedInfrastructure.KEY_DIR)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
