package org.servicerecovery.e2e;

import java.nio.file.Path;

/** The four data services the end-to-end and chaos tests run from their packaged applications. */
public enum Service {
    INTAKE("intake"), PROMISE_TRACKING("promise-tracking"), RECOVERY_ESCALATION("recovery-escalation"),
    LOYALTY_SCORING("loyalty-scoring");

    /** The service's folder under services/. */
    public final String directory;

    Service(String directory) {
        this.directory = directory;
    }

    /** The packaged application under {@code servicesDir}. */
    public Path jar(Path servicesDir) {
        return servicesDir.resolve(directory).resolve("target/quarkus-app/quarkus-run.jar");
    }
}
