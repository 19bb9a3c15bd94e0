package org.servicerecovery.promises;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.servicerecovery.events.CloudEvent;
import org.servicerecovery.events.CustomerEvent;
import org.servicerecovery.events.EventData;
import org.servicerecovery.events.EventType;
import org.servicerecovery.events.Topic;
import org.servicerecovery.events.crm.Channel;
import org.servicerecovery.events.crm.CommitmentCancelled;
import org.servicerecovery.events.crm.CommitmentFulfilled;
import org.servicerecovery.events.crm.CommitmentMade;
import org.servicerecovery.events.crm.CommitmentRescheduled;
import org.servicerecovery.testing.TopicReader;
import org.servicerecovery.testing.TopicWriter;

/** One customer with one commitment, and the CRM events about it, as intake republishes them on intake.events. */
final class CommitmentCrm {

    static final String SOURCE = "https://crm.test/tenants/acme";

    final String customer;
    final String commitment = "c-" + UUID.randomUUID();

    CommitmentCrm() {
        this("cust-" + UUID.randomUUID());
    }

    private CommitmentCrm(String customer) {
        this.customer = customer;
    }

    /** Another commitment to the same customer. */
    CommitmentCrm another() {
        return new CommitmentCrm(customer);
    }

    CloudEvent made(Instant madeAt, Instant dueAt) {
        return event(new CommitmentMade(customer, commitment, "call back about the refund", utc(dueAt), "alice", "blue",
                Channel.PHONE, utc(madeAt)));
    }

    CloudEvent fulfilled(Instant at) {
        return event(new CommitmentFulfilled(customer, commitment, utc(at)));
    }

    CloudEvent rescheduled(Instant newDueAt, boolean agreed) {
        return event(new CommitmentRescheduled(customer, commitment, utc(newDueAt), "parts late", agreed));
    }

    CloudEvent cancelled() {
        return event(new CommitmentCancelled(customer, commitment, "customer withdrew the request"));
    }

    static CloudEvent event(CustomerEvent data) {
        return EventData.wrap(UUID.randomUUID().toString(), SOURCE, OffsetDateTime.now(ZoneOffset.UTC), data);
    }

    static void send(CloudEvent... events) {
        try (TopicWriter writer = new TopicWriter()) {
            for (CloudEvent event : events) {
                writer.sendBinary(Topic.INTAKE_EVENTS.topicName(), event);
            }
        }
    }

    /** The ce_type of every promise.events record about this customer so far, waiting until {@code expected} are there. */
    List<String> promiseEvents(int expected) {
        try (TopicReader reader = new TopicReader(Topic.PROMISE_EVENTS.topicName())) {
            return ofCustomer(reader.readUntil(records -> ofCustomer(records).size() >= expected, Duration.ofSeconds(20)));
        }
    }

    /** The data of this customer's first promise.events record of that type, waiting for it. */
    <T extends CustomerEvent> T promiseEvent(Class<T> type) {
        String ceType = EventType.of(type).type();
        try (TopicReader reader = new TopicReader(Topic.PROMISE_EVENTS.topicName())) {
            return reader.readUntil(records -> records.stream().anyMatch(r -> isOfCustomer(r, ceType)),
                            Duration.ofSeconds(20)).stream()
                    .filter(r -> isOfCustomer(r, ceType)).findFirst()
                    .map(r -> EventData.read(TopicReader.cloudEvent(r), type)).orElseThrow();
        }
    }

    private boolean isOfCustomer(ConsumerRecord<String, byte[]> record, String ceType) {
        return customer.equals(record.key()) && ceType.equals(TopicReader.header(record, "ce_type"));
    }

    private List<String> ofCustomer(List<ConsumerRecord<String, byte[]>> records) {
        return records.stream().filter(r -> customer.equals(r.key())).map(r -> TopicReader.header(r, "ce_type")).toList();
    }

    static OffsetDateTime utc(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
