package org.servicerecovery.console;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.servicerecovery.testing.SharedInfrastructure;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * The console as deployed: OIDC on against {@link FakeOidcProvider}. The local key is configured too, to show that
 * OIDC switches the demo sign-in off whatever else is set.
 */
public class OidcLogin implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        SharedInfrastructure.get();
        return Map.of(
                "quarkus.oidc.tenant-enabled", "true",
                "quarkus.oidc.client-id", FakeOidcProvider.CLIENT_ID,
                "quarkus.oidc.credentials.secret", FakeOidcProvider.CLIENT_SECRET,
                "console.sign-in.private-key-location",
                Path.of(System.getProperty("sr.test.jwt.key-dir"), "private.pem").toString());
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(FakeOidcProvider.class));
    }
}
