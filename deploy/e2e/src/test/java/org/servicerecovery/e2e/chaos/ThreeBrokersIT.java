package org.servicerecovery.e2e.chaos;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The short brokers run of {@code make test}: the services (one replica each, to fit the suite's time on two cores)
 * on a three-node Kafka cluster (replication factor 3, {@code min.insync.replicas} 2) under a CRM load; a rolling
 * restart (each node killed with SIGKILL and started again in turn, the next only once every partition is back in
 * sync), then two nodes killed at once for {@link Chaos#TWO_BROKERS_DOWN}: no CRM record may be acknowledged while
 * they are down, and sending resumes once one returns. No replica restarts; every effect happens exactly once, every
 * output record is published once in every customer's order, and no log shows a deadlock. {@code make chaos
 * MODE=brokers} is the long version.
 */
class ThreeBrokersIT {

    @Test
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    void aRollingRestartAndTwoBrokersLostUnderLoadLoseNothingAndDoNothingTwice() throws Exception {
        Random random = new Random(Long.getLong("chaos.seed", System.nanoTime()));
        Reconciliation result = new Chaos(random, Path.of(System.getProperty("services.dir", "../../services")),
                Path.of("target", "chaos"), 1).brokers(BrokerLoss.schedule(4, random));
        System.out.println(result.report());
        assertTrue(result.ok(), result.report());
    }
}
