package org.servicerecovery.e2e.chaos;

import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.servicerecovery.events.CloudEvent;
import org.servicerecovery.events.CloudEvents;
import org.servicerecovery.events.EventData;
import org.servicerecovery.events.Topic;
import org.servicerecovery.events.crm.Channel;
import org.servicerecovery.events.crm.ComplaintFiled;
import org.servicerecovery.events.crm.ContactChannel;
import org.servicerecovery.events.crm.CustomerUpserted;
import org.servicerecovery.events.crm.Severity;
import org.servicerecovery.events.crm.Tier;

/**
 * Records a careless or hostile CRM puts between a customer's valid events. Each must be refused by intake (dead-lettered
 * with a reason) and must change nothing for that customer or anyone else: their complaint still opens its case, their
 * promises are still tracked.
 */
enum Poison {
    /** Not JSON at all, in binary mode with valid ce_* headers. */
    GARBAGE,
    /** A JSON-escaped lone surrogate, which PostgreSQL's json refuses. */
    LONE_SURROGATE,
    /** A NUL character, which PostgreSQL refuses in text and json. */
    NUL,
    /** An id longer than a btree index key can hold. */
    HUGE_ID,
    /** A time zone that does not exist, for a customer whose later complaint must still open a case. */
    UNKNOWN_ZONE,
    /** An occurrence in year 9999. */
    FAR_FUTURE,
    /** A summary beyond the schema's 4,000 characters. */
    OVERLONG_TEXT;

    /** The poisoned record for {@code customerId}; {@code id} is unique within the run. */
    ProducerRecord<String, byte[]> record(String customerId, String id) {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        return switch (this) {
            case GARBAGE -> binary(EventData.wrap(id, CrmLoad.SOURCE, now, complaint(customerId, id, "x", now)),
                    "{\"customerId\": \"".getBytes(StandardCharsets.UTF_8));
            case LONE_SURROGATE -> withSummary(customerId, id, now, "damaged \\ud800 parcel");
            case NUL -> withSummary(customerId, id, now, "damaged \\u0000 parcel");
            case HUGE_ID -> binary(EventData.wrap("x".repeat(3000), CrmLoad.SOURCE, now, complaint(customerId, id, "ok", now)));
            case UNKNOWN_ZONE -> binary(EventData.wrap(id, CrmLoad.SOURCE, now, new CustomerUpserted(customerId, "Customer",
                    "c@example.org", null, Tier.STANDARD, "Mars/Olympus_Mons", "en-GB", ContactChannel.EMAIL, "blue")));
            case FAR_FUTURE -> binary(EventData.wrap(id, CrmLoad.SOURCE, now,
                    complaint(customerId, id, "from the future", OffsetDateTime.of(9999, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC))));
            case OVERLONG_TEXT -> binary(EventData.wrap(id, CrmLoad.SOURCE, now, complaint(customerId, id, "x".repeat(5000), now)));
        };
    }

    private static ComplaintFiled complaint(String customerId, String id, String summary, OffsetDateTime at) {
        return new ComplaintFiled(customerId, id, Channel.PHONE, "delivery", Severity.LOW, summary, at);
    }

    /** The complaint's JSON with {@code escapedSummary} spliced in as written: Java strings cannot carry the escapes. */
    private static ProducerRecord<String, byte[]> withSummary(String customerId, String id, OffsetDateTime now,
                                                              String escapedSummary) {
        CloudEvent event = EventData.wrap(id, CrmLoad.SOURCE, now, complaint(customerId, id, "PLACEHOLDER", now));
        String data = new String(CloudEvents.toBinaryData(event), StandardCharsets.UTF_8).replace("PLACEHOLDER", escapedSummary);
        return binary(event, data.getBytes(StandardCharsets.UTF_8));
    }

    private static ProducerRecord<String, byte[]> binary(CloudEvent event) {
        return binary(event, CloudEvents.toBinaryData(event));
    }

    private static ProducerRecord<String, byte[]> binary(CloudEvent event, byte[] data) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(Topic.CRM_EVENTS.topicName(), event.subject(), data);
        for (Map.Entry<String, String> header : CloudEvents.toBinaryHeaders(event).entrySet()) {
            record.headers().add(header.getKey(), header.getValue().getBytes(StandardCharsets.UTF_8));
        }
        return record;
    }
}
