package org.servicerecovery.e2e.chaos;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The faults run of {@code make test}: under a CRM load with poisoned records mixed in, and without restarting any
 * service, hostile requests, the broker down for longer than every producer's delivery timeout, PostgreSQL killed
 * and restarted. Only the poison is dead-lettered, every hostile request is refused, every effect happens exactly once
 * and every output record is published once.
 */
class FaultsIT {

    @Test
    @Timeout(value = 9, unit = TimeUnit.MINUTES)
    void faultsAndHostileInputUnderLoadLoseNothingStallNothingAndDoNothingTwice() throws Exception {
        Random random = new Random(Long.getLong("chaos.seed", System.nanoTime()));
        Reconciliation result = new Chaos(random, Path.of(System.getProperty("services.dir", "../../services")),
                Path.of("target", "chaos")).faults(List.of(Fault.HOSTILE_REQUESTS, Fault.BROKER_OUTAGE,
                Fault.POSTGRES_RESTART, Fault.HOSTILE_REQUESTS));
        System.out.println(result.report());
        assertTrue(result.ok(), result.report());
    }
}
