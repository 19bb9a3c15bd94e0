package org.servicerecovery.e2e.chaos;

/** What a faults-mode cycle does to the running system without restarting any service. */
enum Fault {
    /** The broker killed and kept down for longer than the producers' delivery timeout, then started again. */
    BROKER_OUTAGE,
    /** PostgreSQL killed and started again. */
    POSTGRES_RESTART,
    /** Requests an agent or a CRM should not send ({@link HostileRequests}). */
    HOSTILE_REQUESTS
}
