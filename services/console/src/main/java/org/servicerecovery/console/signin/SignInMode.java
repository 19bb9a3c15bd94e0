package org.servicerecovery.console.signin;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * How people sign in: OpenID Connect against the organisation's IdP (production, {@code OIDC_ENABLED=true}) or, without
 * it, a bearer token the browser holds (the local demo sign-in). Quarkus' own switch is the one source of truth, so the
 * console cannot believe it runs OIDC while Quarkus does not.
 */
@ApplicationScoped
public class SignInMode {

    private final boolean oidc;

    public SignInMode(@ConfigProperty(name = "quarkus.oidc.tenant-enabled") boolean oidc) {
        this.oidc = oidc;
    }

    public boolean oidc() {
        return oidc;
    }
}
