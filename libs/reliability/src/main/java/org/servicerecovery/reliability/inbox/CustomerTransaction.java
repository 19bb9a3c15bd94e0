package org.servicerecovery.reliability.inbox;

import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import jakarta.enterprise.context.ApplicationScoped;

import org.servicerecovery.events.CloudEvent;

import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;

/**
 * The transaction of {@link CustomerUnitOfWork}, a bean of its own so that its {@code @WithTransaction} is applied to
 * calls from the unit's batches. Lock order, the same everywhere: the customers (advisory, sorted), then the
 * idempotent-consumer keys (sorted), then whatever the service's work locks (an entity's timers with
 * {@code Timers.lockOwners} before the entity, several entities in id order), so no two transactions wait for each
 * other crosswise.
 */
@ApplicationScoped
public class CustomerTransaction {

    private final CustomerLocks locks;
    private final ProcessedEvents processed;

    public CustomerTransaction(CustomerLocks locks, ProcessedEvents processed) {
        this.locks = locks;
        this.processed = processed;
    }

    /** The events' customers are their CloudEvents subjects (the Kafka key). */
    @WithTransaction
    public <T> Uni<T> apply(String consumer, List<CloudEvent> events, CustomerUnitOfWork.Work<T> work) {
        Set<String> customers = events.stream().map(CloudEvent::subject).filter(Objects::nonNull)
                .collect(Collectors.toSet());
        return locks.lock(consumer, customers)
                .chain(() -> processed.firstDeliveries(consumer, events))
                .chain(first -> work.apply(IntStream.range(0, events.size()).filter(first::get)
                        .mapToObj(events::get).toList()));
    }
}
