package org.servicerecovery.e2e.chaos;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The short chaos run of {@code make test}: three cycles under load, killing a random service, the Kafka broker and
 * another random service (PostgreSQL kills are left to {@code make chaos}). Everything must still reconcile.
 */
class ChaosIT {

    private final Random random = new Random(Long.getLong("chaos.seed", System.nanoTime()));

    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void servicesAndTheBrokerKilledUnderLoadLoseNothingAndDoNothingTwice() throws Exception {
        List<Target> victims = List.of(service(), Target.KAFKA, service());
        Reconciliation result = new Chaos(random, Path.of(System.getProperty("services.dir", "../../services")),
                Path.of("target", "chaos")).kill(victims);
        System.out.println(result.report());
        assertTrue(result.ok(), result.report());
    }

    private Target service() {
        return Target.SERVICES[random.nextInt(Target.SERVICES.length)];
    }
}
