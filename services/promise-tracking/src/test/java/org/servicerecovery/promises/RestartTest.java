package org.servicerecovery.promises;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.servicerecovery.reliability.timers.TimerFiring;
import org.servicerecovery.testing.RealInfrastructure;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.vertx.VertxContextSupport;

/**
 * A restart between made and due. This application runs without its timer loop, as an instance that went down before
 * the due time: the promise and its timer are only rows in PostgreSQL. The due time passes while it is "down"; then
 * the loop's own firing step runs as a restarted instance's loop would, twice (a second replica, or a restart right
 * after the first firing): the miss is reported exactly once.
 */
@QuarkusTest
@TestProfile(RestartTest.TimerLoopDown.class)
@WithTestResource(value = RealInfrastructure.class, scope = TestResourceScope.GLOBAL)
class RestartTest {

    public static class TimerLoopDown implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("reliability.timers.enabled", "false");
        }
    }

    @Inject
    TestClock clock;

    @Inject
    TimerFiring firing;

    @Test
    void theMissStillFiresOnceFromThePersistedTimer() throws Throwable {
        Crm crm = new Crm();
        Instant now = clock.instant();
        Crm.send(crm.made(now, now.plus(Duration.ofHours(1))));
        PromiseLifecycleTest.awaitState(crm, "PENDING");

        clock.advance(Duration.ofHours(2));
        PromiseLifecycleTest.holdsFor300Millis(() -> "PENDING".equals(PromiseLifecycleTest.state(crm)));
        assertEquals(2, PromiseLifecycleTest.timersOf(crm));

        for (int restart = 0; restart < 2; restart++) {
            while (!VertxContextSupport.subscribeAndAwait(() -> firing.fireDue(clock.instant(), 100, true)).isEmpty()) {
                // drains every due timer, as the loop does in batches
            }
        }
        assertEquals("MISSED", PromiseLifecycleTest.state(crm));
        assertEquals(1, PromiseLifecycleTest.history(crm, "missed"));
        assertEquals(0, PromiseLifecycleTest.timersOf(crm));
        assertEquals(List.of("promise.missed"), crm.promiseEvents(1));
    }
}
