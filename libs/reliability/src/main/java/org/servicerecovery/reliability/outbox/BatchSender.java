package org.servicerecovery.reliability.outbox;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jboss.logging.Logger;
import org.servicerecovery.events.CloudEvent;
import org.servicerecovery.events.CloudEvents;
import org.servicerecovery.servicekit.KafkaClientSettings;

/**
 * Sends a batch of outbox rows with an idempotent producer ({@code acks=all}, at most 5 requests in flight, so order
 * per partition holds through retries), in CloudEvents binary mode, and tells each row's outcome. Sends do not expire
 * unless {@code deliveryTimeout} says so: a send in flight when the broker dies is retried with its original producer
 * id and sequence number, which the broker recognises, instead of being given up without knowing whether the broker
 * wrote it, and sent again as a second copy.
 */
final class BatchSender implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(BatchSender.class);
    private static final int MAX_REASON_LENGTH = 2000;

    /** {@code partition} null: the key's partition, as Kafka's partitioner picks it. */
    record Row(long id, String topic, Integer partition, String key, String payload, long createdAtMillis) {
    }

    /** A row Kafka will never take, and why. */
    record Refusal(Row row, String reason) {
    }

    /**
     * Rows not in {@code acknowledged} or {@code refused} are to be sent again: they failed for a passing reason
     * ({@code retryCause}, the first of them), were not tried after it, or were unanswered when the relay stopped.
     */
    record Outcome(List<Row> acknowledged, List<Refusal> refused, int rows, Throwable retryCause) {
        int toRetry() {
            return rows - acknowledged.size() - refused.size();
        }
    }

    /** A row's send: its acknowledgement to come, or why it failed before being sent; neither if it was not tried. */
    private record Send(Row row, Future<RecordMetadata> ack, Exception failedBeforeSending) {
    }

    private final Map<String, Object> config;
    private KafkaProducer<String, byte[]> producer;

    BatchSender(KafkaClientSettings kafka, String clientId, Duration deliveryTimeout) {
        this.config = kafka.producer(Map.of(
                ProducerConfig.CLIENT_ID_CONFIG, clientId,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5,
                ProducerConfig.LINGER_MS_CONFIG, 0,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Math.min(Integer.MAX_VALUE, deliveryTimeout.toMillis()),
                // How long send() may block for metadata or buffer space before that row fails, to be sent again.
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000));
        this.producer = newProducer();
    }

    /**
     * Sends the rows in order and waits for every answer — as long as the broker takes, or {@code shutdownGrace} once
     * {@code running} turns false. A producer that failed in a way it never recovers from is replaced afterwards.
     */
    synchronized Outcome send(List<Row> rows, BooleanSupplier running, Duration shutdownGrace) {
        List<Send> sends = sendAll(rows);
        awaitAnswers(sends, running, shutdownGrace);
        List<Row> acknowledged = new ArrayList<>();
        List<Refusal> refused = new ArrayList<>();
        Throwable retryCause = null;
        boolean producerBroken = false;
        for (Send send : sends) {
            Throwable failure = failure(send);
            if (failure == null) {
                if (send.ack() != null && send.ack().isDone()) {
                    acknowledged.add(send.row());
                }
                continue;
            }
            SendFailure kind = SendFailure.of(failure);
            if (kind == SendFailure.REFUSED) {
                refused.add(new Refusal(send.row(), reason(failure)));
            } else {
                retryCause = retryCause == null ? failure : retryCause;
                producerBroken |= kind == SendFailure.PRODUCER_BROKEN;
            }
        }
        if (producerBroken && running.getAsBoolean()) {
            LOG.warnf("Replacing the outbox relay's Kafka producer after %s", retryCause);
            producer.close(Duration.ofSeconds(1));
            producer = newProducer();
        }
        return new Outcome(acknowledged, refused, rows.size(), retryCause);
    }

    @Override
    public synchronized void close() {
        producer.close(Duration.ofSeconds(5));
    }

    /**
     * In id order. A row that cannot become a record fails on its own. When the producer cannot even take a record for
     * a topic (no metadata within {@code max.block.ms}, the broker being away), the topic's later rows are not tried:
     * each would block as long, and sending them before the failed one would break their key's order.
     */
    private List<Send> sendAll(List<Row> rows) {
        List<Send> sends = new ArrayList<>(rows.size());
        Set<String> blockedTopics = new HashSet<>();
        boolean producerBroken = false;
        for (Row row : rows) {
            if (producerBroken || blockedTopics.contains(row.topic())) {
                sends.add(new Send(row, null, null));
                continue;
            }
            ProducerRecord<String, byte[]> record;
            try {
                record = binaryModeRecord(row);
            } catch (RuntimeException unreadable) {
                sends.add(new Send(row, null, new UnreadablePayload(unreadable)));
                continue;
            }
            try {
                Send send = new Send(row, producer.send(record), null);
                sends.add(send);
                Throwable failedAtOnce = send.ack().isDone() ? failure(send) : null;
                if (failedAtOnce != null && SendFailure.of(failedAtOnce) != SendFailure.REFUSED) {
                    blockedTopics.add(row.topic());
                }
            } catch (RuntimeException e) {
                sends.add(new Send(row, null, e));
                producerBroken = SendFailure.of(e) != SendFailure.REFUSED;
            }
        }
        return sends;
    }

    private static void awaitAnswers(List<Send> sends, BooleanSupplier running, Duration shutdownGrace) {
        long shutdownDeadline = Long.MAX_VALUE;
        for (Send send : sends) {
            while (send.ack() != null && !send.ack().isDone()) {
                if (!running.getAsBoolean()) {
                    shutdownDeadline = Math.min(shutdownDeadline, System.nanoTime() + shutdownGrace.toNanos());
                    if (System.nanoTime() > shutdownDeadline) {
                        return;
                    }
                }
                try {
                    send.ack().get(200, TimeUnit.MILLISECONDS);
                } catch (TimeoutException | ExecutionException notYetOrFailed) {
                    // looked at once all are answered
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Null if acknowledged or not (yet) answered. */
    private static Throwable failure(Send send) {
        if (send.failedBeforeSending() != null) {
            return send.failedBeforeSending();
        }
        if (send.ack() == null || !send.ack().isDone()) {
            return null;
        }
        try {
            send.ack().get();
            return null;
        } catch (ExecutionException e) {
            return e.getCause() != null ? e.getCause() : e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return e;
        }
    }

    /** Our topics carry CloudEvents in binary mode: attributes in ce_* headers, the data as the value. */
    private static ProducerRecord<String, byte[]> binaryModeRecord(Row row) {
        CloudEvent event = CloudEvents.fromStructuredJson(row.payload().getBytes(StandardCharsets.UTF_8));
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(row.topic(), row.partition(), row.key(),
                CloudEvents.toBinaryData(event));
        CloudEvents.toBinaryHeaders(event).forEach((name, value) ->
                record.headers().add(name, value.getBytes(StandardCharsets.UTF_8)));
        return record;
    }

    private KafkaProducer<String, byte[]> newProducer() {
        return new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
    }

    private static String reason(Throwable failure) {
        String reason = failure.toString().replace('\u0000', '?');
        return reason.length() <= MAX_REASON_LENGTH ? reason : reason.substring(0, MAX_REASON_LENGTH);
    }

    /** The row's payload is not a CloudEvent we can put on Kafka: retrying cannot change that. */
    static final class UnreadablePayload extends SerializationException {
        UnreadablePayload(Throwable cause) {
            super("unreadable payload: " + cause, cause);
        }
    }
}
