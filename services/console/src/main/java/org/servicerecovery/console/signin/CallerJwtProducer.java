package org.servicerecovery.console.signin;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.RequestScoped;
import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.Produces;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.InvalidJwtException;

import io.quarkus.oidc.AccessTokenCredential;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.jwt.auth.principal.DefaultJWTCallerPrincipal;

/**
 * The injected {@link JsonWebToken} is always the token the services see. quarkus-oidc's producer (an alternative that
 * wins over smallrye-jwt's) knows only OIDC sessions and gave code that injects the token an empty one with the local
 * sign-in; and for the code flow it means the ID token. This one wins over both (priority 3; OIDC has 2, smallrye-jwt 1).
 */
@ApplicationScoped
public class CallerJwtProducer {

    @Produces
    @RequestScoped
    @Alternative
    @Priority(3)
    JsonWebToken caller(SecurityIdentity identity) {
        AccessTokenCredential access = identity.getCredential(AccessTokenCredential.class);
        if (access != null) {
            return parse(access.getToken());
        }
        // Local sign-in: smallrye-jwt has verified the bearer token and made it the principal.
        return identity.getPrincipal() instanceof JsonWebToken local ? local : new DefaultJWTCallerPrincipal(new JwtClaims());
    }

    /** Only a token quarkus-oidc has verified gets here (roles come from the access token, so it checks it). */
    private static JsonWebToken parse(String token) {
        String[] parts = token.split("\\.");
        try {
            String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
            return new DefaultJWTCallerPrincipal(token, "JWT", JwtClaims.parse(payload));
        } catch (InvalidJwtException | ArrayIndexOutOfBoundsException | IllegalArgumentException e) {
            throw new IllegalStateException("the access token is not a JWT; the services accept only JWTs", e);
        }
    }
}
