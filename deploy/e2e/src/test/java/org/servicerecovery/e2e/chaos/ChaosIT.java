package org.servicerecovery.e2e.chaos;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.servicerecovery.e2e.Replicas;
import org.servicerecovery.e2e.Service;

/**
 * The short chaos run of {@code make test}, and the project's two-replica crash test of each data service: two
 * packaged instances of intake, promise-tracking, recovery-escalation and loyalty-scoring (sharing their schema and
 * consumer group) run under a CRM load, and {@code kill -9} hits a randomly chosen replica of every service, one at a
 * time, at random points of its work, while the other replica carries on; the Kafka broker is killed too, at a random
 * place of the order but never last (PostgreSQL kills are left to {@code make chaos}). Every effect must still happen exactly once,
 * each output topic keep every customer's order, and no log may show a deadlock. {@code -De2e.replicas} /
 * {@code REPLICAS} choose another replica count.
 */
class ChaosIT {

    private final Random random = new Random(Long.getLong("chaos.seed", System.nanoTime()));

    @Test
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    void replicasOfEveryServiceAndTheBrokerKilledUnderLoadLoseNothingAndDoNothingTwice() throws Exception {
        int replicas = Replicas.count();
        List<Target> victims = new ArrayList<>();
        for (Service service : Service.values()) {
            victims.add(new Target.Replica(service, random.nextInt(replicas)));
        }
        Collections.shuffle(victims, random);
        // Never last: a replica cycle follows it while the CRM keeps sending, as CRMs do after an outage.
        victims.add(random.nextInt(victims.size()), Target.Infrastructure.KAFKA);
        Reconciliation result = new Chaos(random, Path.of(System.getProperty("services.dir", "../../services")),
                Path.of("target", "chaos"), replicas).kill(victims);
        System.out.println(result.report());
        assertTrue(result.ok(), result.report());
    }
}
