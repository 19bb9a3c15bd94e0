package org.servicerecovery.testing;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.servicerecovery.events.CloudEvent;
import org.servicerecovery.events.CloudEvents;

/** A plain Kafka producer, as a CRM or another service would use one. */
public final class TopicWriter implements AutoCloseable {

    private final KafkaProducer<String, byte[]> producer;

    /** On the shared plain broker. */
    public TopicWriter() {
        this(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedInfrastructure.get().kafkaBootstrapServers()));
    }

    /** With {@code clientSettings} (bootstrap servers, security) instead of the shared plain broker's. */
    public TopicWriter(Map<String, Object> clientSettings) {
        Map<String, Object> settings = new HashMap<>(clientSettings);
        settings.put(ProducerConfig.ACKS_CONFIG, "all");
        producer = new KafkaProducer<>(settings, new StringSerializer(), new ByteArraySerializer());
    }

    /** Sends in CloudEvents binary mode, keyed by the event's subject, and waits for the acknowledgement. */
    public void sendBinary(String topic, CloudEvent event) {
        send(binary(topic, event));
    }

    public void sendRaw(String topic, String key, byte[] value) {
        send(new ProducerRecord<>(topic, key, value));
    }

    /** Sends the records without waiting in between (so a consumer may poll them together), then waits for all. */
    public void sendAll(List<ProducerRecord<String, byte[]>> records) {
        List<Future<RecordMetadata>> acks = records.stream().map(producer::send).toList();
        try {
            for (Future<RecordMetadata> ack : acks) {
                ack.get(30, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            throw new IllegalStateException("could not send " + records.size() + " records", e);
        }
    }

    /** The event in binary mode, as the services publish it: keyed by its subject, attributes in ce_* headers. */
    public static ProducerRecord<String, byte[]> binary(String topic, CloudEvent event) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, event.subject(), CloudEvents.toBinaryData(event));
        CloudEvents.toBinaryHeaders(event).forEach((name, value) -> record.headers().add(name, value.getBytes(StandardCharsets.UTF_8)));
        return record;
    }

    /** Waits for the acknowledgement and says where the record went. */
    public RecordMetadata send(ProducerRecord<String, byte[]> record) {
        try {
            return producer.send(record).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("could not send to " + record.topic(), e);
        }
    }

    /** How many partitions the topic has. */
    public int partitions(String topic) {
        return producer.partitionsFor(topic).size();
    }

    @Override
    public void close() {
        producer.close();
    }
}
