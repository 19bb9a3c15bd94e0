package org.servicerecovery.servicekit;

import java.util.List;

/**
 * Why a correctly signed token's claims cannot be used, each error naming the claim ({@code /team}); the cause of the
 * {@link io.quarkus.security.AuthenticationFailedException} that refuses the token.
 */
public class InvalidTokenClaims extends RuntimeException {

    private final List<Problem.FieldError> errors;

    public InvalidTokenClaims(List<Problem.FieldError> errors) {
        super(errors.size() + " claim(s) of the token cannot be used");
        this.errors = List.copyOf(errors);
    }

    public List<Problem.FieldError> errors() {
        return errors;
    }
}
