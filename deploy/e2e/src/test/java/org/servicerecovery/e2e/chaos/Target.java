package org.servicerecovery.e2e.chaos;

/** What a chaos cycle can kill: one of the four services, the Kafka broker or PostgreSQL. */
enum Target {
    INTAKE("intake"), PROMISE_TRACKING("promise-tracking"), RECOVERY_ESCALATION("recovery-escalation"),
    LOYALTY_SCORING("loyalty-scoring"), KAFKA(null), POSTGRES(null);

    static final Target[] SERVICES = {INTAKE, PROMISE_TRACKING, RECOVERY_ESCALATION, LOYALTY_SCORING};

    /** The service's folder under services/, null for infrastructure. */
    final String directory;

    Target(String directory) {
        this.directory = directory;
    }

    boolean isService() {
        return directory != null;
    }
}
