package org.servicerecovery.console.signin;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;

import io.smallrye.config.ConfigMapping;

/** Local sign-in: on only when a private key is configured, which only deploy/local/run.sh does. */
@ConfigMapping(prefix = "console.sign-in")
public interface SignInConfig {

    /** PEM (PKCS#8) private key whose public half the services trust; absent in production. */
    Optional<String> privateKeyLocation();

    String issuer();

    /** The audiences the services check ({@code JWT_AUDIENCE}), so that they accept the demo tokens. */
    Set<String> audience();

    Duration tokenValidity();
}
