package org.servicerecovery.recovery;

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
import org.servicerecovery.events.Topic;
import org.servicerecovery.events.crm.Channel;
import org.servicerecovery.events.crm.ComplaintFiled;
import org.servicerecovery.events.crm.ContactChannel;
import org.servicerecovery.events.crm.CustomerUpserted;
import org.servicerecovery.events.crm.FeedbackReceived;
import org.servicerecovery.events.crm.OutreachDelivered;
import org.servicerecovery.events.crm.Severity;
import org.servicerecovery.events.crm.Tier;
import org.servicerecovery.events.domain.PromiseMissRetracted;
import org.servicerecovery.events.domain.PromiseMissed;
import org.servicerecovery.reliability.inbox.KafkaCloudEvents;
import org.servicerecovery.testing.TopicReader;
import org.servicerecovery.testing.TopicWriter;

/** One customer and the events about them, as intake and promise-tracking publish them. */
final class RecoveryCrm {

    static final String SOURCE = "https://crm.test/tenants/acme";

    final String customer = "cust-" + UUID.randomUUID();
    final String promise = "p-" + UUID.randomUUID();

    CloudEvent upserted(String name, String locale, ContactChannel channel, String accountTeam) {
        return event(new CustomerUpserted(customer, name, null, null, Tier.STANDARD, "Europe/Berlin", locale, channel,
                accountTeam));
    }

    CloudEvent complaint(Severity severity, String summary, Instant at) {
        return event(new ComplaintFiled(customer, "cmp-" + UUID.randomUUID(), Channel.PHONE, "delivery", severity,
                summary, utc(at)));
    }

    CloudEvent missed(String team, String description, Instant due, Instant detected) {
        return event(new PromiseMissed(customer, promise, "alice", team, description, utc(due),
                utc(detected), Duration.between(due, detected).toMillis()));
    }

    /** The miss of {@link #missed} retracted, as promise-tracking publishes it: its id follows from the promise. */
    CloudEvent missRetracted(String team, Instant due, Instant fulfilled, Instant detected) {
        return EventData.wrap(promise + "/promise.miss-retracted", "urn:service-recovery:promise-tracking",
                OffsetDateTime.now(ZoneOffset.UTC), new PromiseMissRetracted(customer, promise, "alice", team, utc(due),
                        utc(fulfilled), utc(detected), "fulfilled at " + fulfilled + ", reported after the miss"));
    }

    CloudEvent feedback(String caseId, int rating, String better, String beyond, String best, Instant at) {
        return event(new FeedbackReceived(customer, caseId, rating, better, beyond, best, utc(at)));
    }

    CloudEvent delivered(String outreachId, Instant at) {
        return event(new OutreachDelivered(customer, outreachId, ContactChannel.EMAIL, utc(at)));
    }

    static CloudEvent event(CustomerEvent data) {
        return EventData.wrap(UUID.randomUUID().toString(), SOURCE, OffsetDateTime.now(ZoneOffset.UTC), data);
    }

    static void send(Topic topic, CloudEvent... events) {
        try (TopicWriter writer = new TopicWriter()) {
            for (CloudEvent event : events) {
                writer.sendBinary(topic.topicName(), event);
            }
        }
    }

    /** This customer's records on {@code topic}, waiting until {@code expected} are there. */
    List<ConsumerRecord<String, byte[]>> records(Topic topic, int expected) {
        try (TopicReader reader = new TopicReader(topic.topicName())) {
            return ofCustomer(reader.readUntil(records -> ofCustomer(records).size() >= expected, Duration.ofSeconds(20)));
        }
    }

    List<String> types(Topic topic, int expected) {
        return records(topic, expected).stream().map(r -> TopicReader.header(r, "ce_type")).toList();
    }

    static <T extends CustomerEvent> T data(ConsumerRecord<String, byte[]> record, Class<T> type) {
        return EventData.read(KafkaCloudEvents.read(record), type);
    }

    private List<ConsumerRecord<String, byte[]>> ofCustomer(List<ConsumerRecord<String, byte[]>> records) {
        return records.stream().filter(r -> customer.equals(r.key())).toList();
    }

    static OffsetDateTime utc(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
