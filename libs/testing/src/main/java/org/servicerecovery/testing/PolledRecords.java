package org.servicerecovery.testing;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.servicerecovery.events.CloudEvent;
import org.servicerecovery.events.CloudEvents;

/**
 * A poll's worth of records built by hand, CloudEvents in binary mode as the services publish them, so that a test
 * can hand them to a batch consumer and know they are one batch.
 */
public final class PolledRecords {

    private PolledRecords() {
    }

    /** The events as consecutive records of one partition, from {@code firstOffset} on. */
    public static List<ConsumerRecord<String, byte[]>> records(TopicPartition partition, long firstOffset,
                                                               CloudEvent... events) {
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        long offset = firstOffset;
        for (CloudEvent event : events) {
            ConsumerRecord<String, byte[]> record = new ConsumerRecord<>(partition.topic(), partition.partition(),
                    offset++, event.subject(), CloudEvents.toBinaryData(event));
            CloudEvents.toBinaryHeaders(event).forEach((name, value) ->
                    record.headers().add(name, value.getBytes(StandardCharsets.UTF_8)));
            records.add(record);
        }
        return records;
    }

    public static ConsumerRecords<String, byte[]> of(TopicPartition partition, List<ConsumerRecord<String, byte[]>> records) {
        return new ConsumerRecords<>(Map.of(partition, records), Map.of());
    }
}
