package org.servicerecovery.reliability.inbox;

import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;

import jakarta.enterprise.context.ApplicationScoped;

import org.servicerecovery.events.CloudEvent;
import org.servicerecovery.reliability.watermark.InputWatermarks;
import org.servicerecovery.reliability.watermark.WatermarkGate;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;

/**
 * The per-customer unit of work of every data service's consumer, the same with one replica or many: a polled batch in
 * one transaction ({@link CustomerTransaction}) that takes the batch's customers' locks in one sorted order, records
 * the first deliveries and hands those, in their order, to the service's {@link Work}, which writes its changes and
 * their outbox events in that transaction. A batch that fails is applied again one event at a time, and only an event
 * that fails on its own is dead-lettered ({@link PolledBatch}). Intake's watermark records never reach the work; they
 * are stored as the service's input watermark ({@link InputWatermarks}) where a timer awaits it ({@link WatermarkGate}),
 * and passed over elsewhere: intake publishes them several times a second, a transaction each that nothing would read.
 */
@ApplicationScoped
public class CustomerUnitOfWork {

    /** What a service does with the first deliveries of a batch, inside the unit's transaction. */
    @FunctionalInterface
    public interface Work<T> {
        /** {@code firstDeliveries}: the events this consumer had not seen yet, in their order; may be empty. */
        Uni<T> apply(List<CloudEvent> firstDeliveries);
    }

    private final CustomerTransaction transaction;
    private final ProcessedEvents processed;
    private final InputWatermarks watermarks;
    private final WatermarkGate gate;

    public CustomerUnitOfWork(CustomerTransaction transaction, ProcessedEvents processed, InputWatermarks watermarks,
                              WatermarkGate gate) {
        this.transaction = transaction;
        this.processed = processed;
        this.watermarks = watermarks;
        this.gate = gate;
    }

    /**
     * The batch consumer of {@code consumer} (its name in the idempotent-consumer records and the lock scope).
     *
     * @param actedOn the events the service handles; other records are passed over untouched
     * @param committed told what each committed transaction returned (for the metrics), after the commit
     * @param deadLetters the service's dead-letter channel
     */
    public <T> PolledBatch<T> consumer(String consumer, Predicate<CloudEvent> actedOn, Work<T> work,
                                       Consumer<T> committed, MutinyEmitter<byte[]> deadLetters) {
        processed.duplicates(consumer);
        return new PolledBatch<>(actedOn, events -> transaction.apply(consumer, events, work), committed, deadLetters,
                gate.active() ? watermarks::advance : seen -> Uni.createFrom().voidItem());
    }
}
