package org.servicerecovery.reliability.inbox;

import jakarta.enterprise.context.ApplicationScoped;

import org.servicerecovery.servicekit.PassingFailures;

/** A REST call that met a database outage is answered 503 with Retry-After, not 500: the outage passes. */
@ApplicationScoped
public class DatabaseOutagesPass implements PassingFailures {

    @Override
    public boolean isPassing(Throwable failure) {
        return DatabaseOutages.isOutage(failure);
    }
}
