package org.servicerecovery.localinfra;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

/**
 * Signs RS256 bearer tokens for local runs and tests with a key pair generated on first use (never committed).
 * Services verify them with smallrye-jwt exactly as they would verify tokens of a real identity provider.
 */
public final class DevTokens {

    public static final String ISSUER = "https://service-recovery.local";
    /** The audience local tokens name; services check it when JWT_AUDIENCE is set (tests set it to this). */
    public static final String AUDIENCE = "service-recovery";
    public static final String PUBLIC_KEY_FILE = "public.pem";
    private static final String PRIVATE_KEY_FILE = "private.pem";

    private final PrivateKey privateKey;
    private final Path publicKey;

    private DevTokens(PrivateKey privateKey, Path publicKey) {
        this.privateKey = privateKey;
        this.publicKey = publicKey;
    }

    /** Loads the key pair in {@code keyDir}, creating it when absent. */
    public static DevTokens inDirectory(Path keyDir) throws IOException {
        Path privatePem = keyDir.resolve(PRIVATE_KEY_FILE);
        Path publicPem = keyDir.resolve(PUBLIC_KEY_FILE);
        try {
            if (!Files.exists(privatePem) || !Files.exists(publicPem)) {
                Files.createDirectories(keyDir);
                KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
                generator.initialize(2048);
                KeyPair pair = generator.generateKeyPair();
                Files.writeString(publicPem, pem("PUBLIC KEY", pair.getPublic().getEncoded()));
                Files.writeString(privatePem, pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
            }
            byte[] der = Base64.getMimeDecoder().decode(Files.readString(privatePem)
                    .replaceAll("-----(BEGIN|END) PRIVATE KEY-----", "").trim());
            return new DevTokens(KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der)), publicPem);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot create or read the local JWT key pair in " + keyDir, e);
        }
    }

    public Path publicKey() {
        return publicKey;
    }

    /** A token for {@code subject} with one role (the {@code groups} claim) and, for agents and supervisors, a team. */
    public String token(String subject, String role, String team, Duration validity) {
        Instant now = Instant.now();
        StringBuilder claims = new StringBuilder()
                .append("{\"iss\":").append(json(ISSUER))
                .append(",\"aud\":").append(json(AUDIENCE))
                .append(",\"sub\":").append(json(subject))
                .append(",\"upn\":").append(json(subject))
                .append(",\"preferred_username\":").append(json(subject))
                .append(",\"groups\":[").append(json(role)).append(']');
        if (team != null && !team.isBlank()) {
            claims.append(",\"team\":").append(json(team));
        }
        claims.append(",\"iat\":").append(now.getEpochSecond())
                .append(",\"exp\":").append(now.plus(validity).getEpochSecond())
                .append(",\"jti\":").append(json(UUID.randomUUID().toString()))
                .append('}');
        return sign(claims.toString());
    }

    /** Signs exactly these claims (a JSON object), for tests of what a service must refuse. */
    public String sign(String claimsJson) {
        String signingInput = base64Url("{\"alg\":\"RS256\",\"typ\":\"JWT\"}") + "." + base64Url(claimsJson);
        try {
            Signature signature = Signature.getInstance("SHA256withRSA");
            signature.initSign(privateKey);
            signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(signature.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("RS256 signing failed", e);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static String base64Url(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    private static String json(String value) {
        return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}
