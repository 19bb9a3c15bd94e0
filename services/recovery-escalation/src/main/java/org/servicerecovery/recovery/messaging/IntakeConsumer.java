package org.servicerecovery.recovery.messaging;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;
import org.servicerecovery.events.CloudEvent;
import org.servicerecovery.events.EventType;
import org.servicerecovery.recovery.RecoveryMetrics;
import org.servicerecovery.reliability.inbox.DatabaseOutages;
import org.servicerecovery.reliability.inbox.KafkaCloudEvents;
import org.servicerecovery.reliability.InOrder;

import io.smallrye.mutiny.Uni;

/**
 * Reads intake.events and promise.events a polled batch at a time, and applies the batch's events in one transaction
 * (one commit for hundreds of events). A record that cannot be read goes to recovery-escalation.dlq at once. If the
 * batch's transaction fails, its events are applied again one by one, each in its own transaction, in their order, and
 * only those that fail on their own are dead-lettered. The batch is acked (its offsets become committable) when all of
 * that is done.
 */
@ApplicationScoped
public class IntakeConsumer {

    private static final Logger LOG = Logger.getLogger(IntakeConsumer.class);
    private static final Set<String> ACTED_ON = Set.of(EventType.CUSTOMER_UPSERTED.type(),
            EventType.COMPLAINT_FILED.type(), EventType.FEEDBACK_RECEIVED.type(), EventType.OUTREACH_DELIVERED.type(),
            EventType.PROMISE_MISSED.type(), EventType.PROMISE_MISS_RETRACTED.type());

    private record Inbound(ConsumerRecord<String, byte[]> record, CloudEvent event) {
    }

    private final RecoveryLifecycle lifecycle;
    private final RecoveryMetrics metrics;
    private final DeadLetters deadLetters;

    public IntakeConsumer(RecoveryLifecycle lifecycle, RecoveryMetrics metrics, DeadLetters deadLetters) {
        this.lifecycle = lifecycle;
        this.metrics = metrics;
        this.deadLetters = deadLetters;
    }

    /** One channel for both topics: both are keyed by customer id, and one consumer group keeps one offset story. */
    @Incoming("inbound")
    public Uni<Void> consume(ConsumerRecords<String, byte[]> records) {
        List<Inbound> inbound = new ArrayList<>(records.count());
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (ConsumerRecord<String, byte[]> record : records) {
            CloudEvent event;
            try {
                event = KafkaCloudEvents.read(record);
            } catch (RuntimeException unreadable) {
                chain = chain.chain(() -> deadLetters.send(record, unreadable));
                continue;
            }
            if (ACTED_ON.contains(event.type())) { // the other types are acked untouched
                inbound.add(new Inbound(record, event));
            }
        }
        if (inbound.isEmpty()) {
            return chain;
        }
        return chain.chain(() -> DatabaseOutages.retryWhileDown(() -> lifecycle.apply(inbound.stream().map(Inbound::event).toList()))
                // Counted only after the commit, so a rolled-back attempt is not counted twice.
                .invoke(metrics::count).replaceWithVoid()
                .onFailure().recoverWithUni(failure -> {
                    LOG.warnf("A batch of %d events failed (%s); applying them one by one", inbound.size(), failure);
                    return oneByOne(inbound);
                }));
    }

    private Uni<Void> oneByOne(List<Inbound> inbound) {
        return InOrder.forEach(inbound, one -> DatabaseOutages.retryWhileDown(() -> lifecycle.apply(List.of(one.event())))
                .invoke(metrics::count).replaceWithVoid()
                .onFailure().recoverWithUni(failure -> deadLetters.send(one.record(), failure)));
    }
}
