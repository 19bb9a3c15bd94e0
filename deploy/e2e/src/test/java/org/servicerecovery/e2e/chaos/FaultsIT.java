package org.servicerecovery.e2e.chaos;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.servicerecovery.e2e.Replicas;

/**
 * The faults run of {@code make test}, on two replicas of each data service ({@code -De2e.replicas} / {@code REPLICAS}
 * choose another count): under a CRM load with poisoned records mixed in, and without restarting any replica, hostile
 * requests, the broker down for longer than every producer's delivery timeout, PostgreSQL killed and restarted. Only
 * the poison is dead-lettered, every hostile request is refused, every effect happens exactly once, every output
 * record is published once in every customer's order, and no log shows a deadlock.
 */
class FaultsIT {

    @Test
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    void faultsAndHostileInputUnderLoadLoseNothingStallNothingAndDoNothingTwice() throws Exception {
        Random random = new Random(Long.getLong("chaos.seed", System.nanoTime()));
        Reconciliation result = new Chaos(random, Path.of(System.getProperty("services.dir", "../../services")),
                Path.of("target", "chaos"), Replicas.count()).faults(List.of(Fault.HOSTILE_REQUESTS,
                Fault.BROKER_OUTAGE, Fault.POSTGRES_RESTART, Fault.HOSTILE_REQUESTS));
        System.out.println(result.report());
        assertTrue(result.ok(), result.report());
    }
}
