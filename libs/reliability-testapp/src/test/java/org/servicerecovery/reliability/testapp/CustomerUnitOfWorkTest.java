package org.servicerecovery.reliability.testapp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.servicerecovery.events.CloudEvent;
import org.servicerecovery.events.Topic;
import org.servicerecovery.reliability.InOrder;
import org.servicerecovery.reliability.inbox.CustomerTransaction;
import org.servicerecovery.reliability.outbox.Outbox;
import org.servicerecovery.reliability.timers.Timers;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;

/**
 * The per-customer unit of work as two replicas meet it: batches of the same customers in opposite orders, applied at
 * the same time, each changing one row per customer in event order (the crosswise row locks that deadlock without the
 * sorted customer locks).
 */
@QuarkusTest
@WithTestResource(value = TestappInfrastructure.class, scope = TestResourceScope.GLOBAL)
class CustomerUnitOfWorkTest {

    private static final int CUSTOMERS = 12;
    private static final int BATCHES_PER_REPLICA = 25;

    @Inject
    CustomerTransaction transaction;

    @Inject
    Outbox outbox;

    @Inject
    Timers timers;

    @Test
    void overlappingBatchesInOppositeOrdersNeverDeadlockAndApplyEveryEventOnce() throws Exception {
        String run = "uow-" + UUID.randomUUID();
        List<String> customers = IntStream.range(0, CUSTOMERS).mapToObj(i -> run + "-c" + i).toList();
        List<String> reversed = new ArrayList<>(customers);
        Collections.reverse(reversed);
        long deadlocksBefore = deadlocks();
        ExecutorService replicas = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> running = List.of(
                    replicas.submit(() -> applyBatches("a", customers)),
                    replicas.submit(() -> applyBatches("b", reversed)));
            for (Future<?> replica : running) {
                replica.get();
            }
        } finally {
            replicas.shutdownNow();
        }
        // PostgreSQL counts a deadlock in pg_stat_database up to a second after it happened
        Awaitility.await("no deadlock detected by PostgreSQL").during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                .until(() -> deadlocks() == deadlocksBefore);
        for (String customer : customers) {
            assertEquals(2 * BATCHES_PER_REPLICA,
                    Db.count("SELECT events FROM customer_tally WHERE customer_id = ?", customer), customer);
        }
        // every batch also came a second time, as after a rebalance: its events were recognised and not applied again
        assertEquals(2L * BATCHES_PER_REPLICA * CUSTOMERS,
                Db.count("SELECT count(*) FROM processed_event WHERE event_id LIKE ?", run + "%"));
    }

    @Test
    void outboxTimersAndProcessedEventsRefuseToWriteOutsideATransaction() {
        CloudEvent event = Effects.event("no-tx-" + UUID.randomUUID(), "cust-no-tx");
        IllegalStateException outboxRefused = assertThrows(IllegalStateException.class, () -> VertxContextSupport
                .subscribeAndAwait(() -> Panache.withSession(() -> outbox.publish(Topic.PROMISE_EVENTS, event))));
        assertTrue(outboxRefused.getMessage().contains("Outbox"), outboxRefused.getMessage());
        assertThrows(IllegalStateException.class, () -> VertxContextSupport.subscribeAndAwait(() -> Panache.withSession(
                () -> timers.schedule("no-tx", EffectTimerHandler.KIND, "owner", java.time.Instant.now(), "p"))));
        assertEquals(0, Db.count("SELECT count(*) FROM outbox WHERE event_id = ?", event.id()));
        assertEquals(0, Db.count("SELECT count(*) FROM timer WHERE id = 'no-tx'"));
    }

    private void applyBatches(String replica, List<String> customers) {
        for (int batch = 0; batch < BATCHES_PER_REPLICA; batch++) {
            int b = batch;
            List<CloudEvent> events = customers.stream()
                    .map(customer -> Effects.event(customer + "-" + replica + b, customer)).toList();
            try {
                // the second time is a redelivery: nothing may change
                for (int delivery = 0; delivery < 2; delivery++) {
                    VertxContextSupport.subscribeAndAwait(() -> transaction.apply(Effects.CONSUMER, events, this::tally));
                }
            } catch (Throwable e) {
                throw new IllegalStateException("batch " + replica + b + " failed", e);
            }
        }
    }

    private Uni<Void> tally(List<CloudEvent> firstDeliveries) {
        return InOrder.forEach(firstDeliveries, event -> Panache.getSession().chain(session -> session.createNativeQuery("""
                        INSERT INTO customer_tally (customer_id, events) VALUES (:customer, 1)
                        ON CONFLICT (customer_id) DO UPDATE SET events = customer_tally.events + 1""")
                .setParameter("customer", event.subject())
                .executeUpdate()));
    }

    private static long deadlocks() {
        return Db.count("SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()");
    }
}
