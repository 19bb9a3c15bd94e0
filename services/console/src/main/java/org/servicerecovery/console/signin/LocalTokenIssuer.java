package org.servicerecovery.console.signin;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.build.JwtClaimsBuilder;
import io.smallrye.jwt.util.KeyUtils;

/**
 * Signs demo users' tokens with the local key, the same claims as {@code make token}. The key is read once at start,
 * so a wrong path fails the start instead of the first sign-in. Signed in with OIDC the key is ignored: a console
 * that sends people to the IdP must not also hand out tokens of its own.
 */
@ApplicationScoped
public class LocalTokenIssuer {

    private final SignInConfig config;
    private final Optional<PrivateKey> key;

    public LocalTokenIssuer(SignInConfig config, SignInMode mode) {
        this.config = config;
        this.key = mode.oidc() ? Optional.empty() : config.privateKeyLocation().map(LocalTokenIssuer::read);
    }

    public boolean enabled() {
        return key.isPresent();
    }

    /** Empty when local sign-in is off. */
    public Optional<String> token(DemoUser user) {
        return key.map(privateKey -> {
            JwtClaimsBuilder claims = Jwt.issuer(config.issuer()).audience(config.audience()).subject(user.name()).upn(user.name())
                    .preferredUserName(user.name()).groups(Set.of(user.role()))
                    .expiresIn(config.tokenValidity());
            if (user.team() != null) {
                claims.claim("team", user.team());
            }
            return claims.jws().algorithm(io.smallrye.jwt.algorithm.SignatureAlgorithm.RS256).sign(privateKey);
        });
    }

    private static PrivateKey read(String location) {
        Path path = Path.of(location.startsWith("file:") ? java.net.URI.create(location).getPath() : location);
        try {
            return KeyUtils.decodePrivateKey(Files.readString(path));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the local sign-in key " + path, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the local sign-in key " + path + " is not a PKCS#8 RSA key", e);
        }
    }
}
