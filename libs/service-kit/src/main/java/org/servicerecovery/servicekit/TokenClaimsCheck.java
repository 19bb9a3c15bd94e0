package org.servicerecovery.servicekit;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.jwt.JsonWebToken;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.smallrye.mutiny.Uni;

/**
 * The claims the services read, checked once the signature, issuer, audience and expiry are: {@code team} a name,
 * {@code groups} a string or strings, the subject claims names, and {@code iat} not in the future beyond the clock skew
 * ({@code mp.jwt.verify.clock.skew}, the same allowance smallrye-jwt gives {@code exp}). A token that fails answers 401
 * naming the claim, instead of failing later wherever the claim is used.
 */
@ApplicationScoped
public class TokenClaimsCheck implements SecurityIdentityAugmentor {

    /** The OpenID Connect limit for {@code sub}. */
    static final int SUBJECT_MAX_LENGTH = 255;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final long skewSeconds;
    private final Clock clock;

    @Inject
    TokenClaimsCheck(@ConfigProperty(name = "mp.jwt.verify.clock.skew", defaultValue = "60") long skewSeconds) {
        this(skewSeconds, Clock.systemUTC());
    }

    TokenClaimsCheck(long skewSeconds, Clock clock) {
        this.skewSeconds = skewSeconds;
        this.clock = clock;
    }

    @Override
    public Uni<SecurityIdentity> augment(SecurityIdentity identity, AuthenticationRequestContext context) {
        if (identity.isAnonymous() || !(identity.getPrincipal() instanceof JsonWebToken token)
                || token.getRawToken() == null) {
            return Uni.createFrom().item(identity);
        }
        List<Problem.FieldError> errors;
        try {
            errors = problems(JSON.readTree(payload(token.getRawToken())));
        } catch (Exception e) {
            errors = List.of(new Problem.FieldError("", "the payload is not a JSON object"));
        }
        if (errors.isEmpty()) {
            return Uni.createFrom().item(identity);
        }
        InvalidTokenClaims invalid = new InvalidTokenClaims(errors);
        return Uni.createFrom().failure(new AuthenticationFailedException(invalid.getMessage(), invalid));
    }

    List<Problem.FieldError> problems(JsonNode claims) {
        List<Problem.FieldError> errors = new ArrayList<>();
        name(claims, Roles.TEAM_CLAIM, Text.NAME_MAX_LENGTH, errors);
        for (String subject : List.of("sub", "upn", "preferred_username")) {
            name(claims, subject, SUBJECT_MAX_LENGTH, errors);
        }
        JsonNode groups = claims.path("groups");
        if (!groups.isMissingNode() && !groups.isNull()) {
            boolean strings = groups.isTextual() || groups.isArray();
            for (JsonNode group : groups.isArray() ? groups : JSON.createArrayNode()) {
                strings &= group.isTextual();
            }
            if (!strings) {
                errors.add(new Problem.FieldError("/groups", "must be a string or an array of strings"));
            }
        }
        JsonNode issuedAt = claims.path("iat");
        if (!issuedAt.isMissingNode() && !issuedAt.isNull()) {
            if (!issuedAt.isNumber()) {
                errors.add(new Problem.FieldError("/iat", "must be a number of seconds since 1970"));
            } else if (issuedAt.asLong() > clock.instant().getEpochSecond() + skewSeconds) {
                errors.add(new Problem.FieldError("/iat", "is in the future: the token was not issued yet"));
            }
        }
        return errors;
    }

    private static void name(JsonNode claims, String claim, int maxLength, List<Problem.FieldError> errors) {
        JsonNode value = claims.path(claim);
        if (value.isMissingNode() || value.isNull()) {
            return;
        }
        String problem = value.isTextual() ? Text.problem(value.textValue(), maxLength, false) : "must be a string";
        if (problem != null) {
            errors.add(new Problem.FieldError("/" + claim, problem));
        }
    }

    /** The token has been verified; its payload is read again only to see the claims' JSON types. */
    private static String payload(String rawToken) {
        return new String(Base64.getUrlDecoder().decode(rawToken.split("\\.")[1]), StandardCharsets.UTF_8);
    }
}
