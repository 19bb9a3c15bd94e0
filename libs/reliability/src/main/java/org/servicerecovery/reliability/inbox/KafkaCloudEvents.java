package org.servicerecovery.reliability.inbox;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.servicerecovery.events.CloudEvent;
import org.servicerecovery.events.CloudEvents;

/** Reads the CloudEvent in a Kafka record, binary or structured mode; an invalid one throws, so it is dead-lettered. */
public final class KafkaCloudEvents {

    private KafkaCloudEvents() {
    }

    public static CloudEvent read(ConsumerRecord<String, byte[]> record) {
        Map<String, String> headers = new HashMap<>();
        for (Header header : record.headers()) {
            // The last value wins, as for HTTP headers: a re-published record may carry an appended copy.
            headers.put(header.key(), header.value() == null ? "" : new String(header.value(), StandardCharsets.UTF_8));
        }
        return CloudEvents.fromKafka(headers, record.value());
    }
}
