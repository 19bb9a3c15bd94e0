package org.servicerecovery.console;

import java.nio.file.Path;
import java.util.Map;

import org.servicerecovery.testing.SharedInfrastructure;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * The console as deploy/local/run.sh starts it: with the local private key, so that local sign-in is on. The key is
 * the test JVM's shared one (libs/testing keeps it in {@code sr.test.jwt.key-dir}), which the console and every
 * service under test trust.
 */
public class LocalSignIn implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        SharedInfrastructure.get();
        return Map.of("console.sign-in.private-key-location",
                Path.of(System.getProperty("sr.test.jwt.key-dir"), "private.pem").toString());
    }
}
