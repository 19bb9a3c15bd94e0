package org.servicerecovery.intake.messaging;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.header.Header;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.servicerecovery.events.CloudEvents;
import org.servicerecovery.events.InvalidCloudEventException.Problem;
import org.servicerecovery.intake.application.Intake;
import org.servicerecovery.intake.domain.EventValidator;
import org.servicerecovery.intake.domain.Ingress;
import org.servicerecovery.intake.domain.Verdict;
import org.servicerecovery.intake.persistence.CrmProgress;
import org.servicerecovery.reliability.inbox.DatabaseOutages;

import io.smallrye.mutiny.Uni;

/**
 * Reads crm.events in batches (one poll at a time). Every record is validated; the invalid ones go to crm.events.dlq
 * with their reasons, the valid ones are stored and published in one transaction ({@link Intake}); one the database
 * refuses nonetheless goes to crm.events.dlq alone. The batch is acked (its offsets become committable) only when all
 * of that is done, so a crash in between re-reads it and de-duplication absorbs the repeat. Then the partitions'
 * progress moves ({@link CrmProgress}): the receipt times intake's watermark is made of.
 */
@ApplicationScoped
public class CrmConsumer {

    private static final String TRACEPARENT_HEADER = "traceparent";

    private final EventValidator validator;
    private final Intake intake;
    private final CrmDeadLetters deadLetters;
    private final CrmProgress progress;
    private final CrmReadUpTo readUpTo;
    private final Clock clock;

    public CrmConsumer(EventValidator validator, Intake intake, CrmDeadLetters deadLetters, CrmProgress progress,
                       CrmReadUpTo readUpTo, Clock clock) {
        this.validator = validator;
        this.intake = intake;
        this.deadLetters = deadLetters;
        this.progress = progress;
        this.readUpTo = readUpTo;
        this.clock = clock;
    }

    @Incoming("crm")
    public Uni<Void> consume(ConsumerRecords<String, byte[]> records) {
        List<ConsumerRecord<String, byte[]>> polled = new ArrayList<>(records.count());
        List<Verdict> verdicts = new ArrayList<>(records.count());
        List<String> traceparents = new ArrayList<>(records.count());
        List<Uni<Void>> deadLettered = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            Map<String, byte[]> headers = headers(record);
            Verdict verdict = read(headers, record.value());
            polled.add(record);
            verdicts.add(verdict);
            traceparents.add(text(header(headers, TRACEPARENT_HEADER)));
            if (verdict instanceof Verdict.Invalid invalid) {
                deadLettered.add(deadLetters.send(record, invalid));
            }
        }
        Uni<Void> dead = deadLettered.isEmpty() ? Uni.createFrom().voidItem()
                : Uni.join().all(deadLettered).andFailFast().replaceWithVoid();
        // Intake waits out a database outage (keeping the order) and isolates an event the database refuses.
        return dead.chain(() -> intake.take(verdicts, traceparents, Ingress.KAFKA, OffsetDateTime.now(clock)))
                .chain(fates -> {
                    List<Uni<Void>> refused = new ArrayList<>();
                    for (int i = 0; i < fates.size(); i++) {
                        if (fates.get(i).refusal() != null) {
                            refused.add(deadLetters.send(polled.get(i), fates.get(i).refusal()));
                        }
                    }
                    return refused.isEmpty() ? Uni.createFrom().voidItem()
                            : Uni.join().all(refused).andFailFast().replaceWithVoid();
                })
                .chain(() -> recordProgress(polled));
    }

    /**
     * After the batch committed: each partition's progress moves to the latest record timestamp it held, and the
     * offsets it reached are remembered for the watermark job ({@link WatermarkPublisher}).
     */
    private Uni<Void> recordProgress(List<ConsumerRecord<String, byte[]>> polled) {
        Map<Integer, Instant> latest = new HashMap<>();
        Map<Integer, Long> next = new HashMap<>();
        for (ConsumerRecord<String, byte[]> record : polled) {
            latest.merge(record.partition(), Instant.ofEpochMilli(record.timestamp()),
                    (a, b) -> a.isAfter(b) ? a : b);
            next.merge(record.partition(), record.offset() + 1, Math::max);
        }
        if (latest.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return DatabaseOutages.retryWhileDown(() -> progress.advance(latest))
                .invoke(() -> next.forEach(readUpTo::reached));
    }

    /** Structured or binary mode, told apart by content-type as the Kafka protocol binding prescribes. */
    private Verdict read(Map<String, byte[]> headers, byte[] value) {
        String contentType = text(header(headers, CloudEvents.CONTENT_TYPE_HEADER));
        String mediaType = contentType == null ? "" : contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (mediaType.equals(CloudEvents.STRUCTURED_CONTENT_TYPE)) {
            return validator.structured(value == null ? new byte[0] : value, "");
        }
        if (mediaType.startsWith("application/cloudevents")) {
            return new Verdict.Invalid(List.of(new Problem("", "has content-type " + contentType
                    + ", which Kafka does not carry: use binary mode or " + CloudEvents.STRUCTURED_CONTENT_TYPE)), null, false);
        }
        return validator.binary(headers, value);
    }

    /** The last value of each header wins, as for HTTP headers. */
    private static Map<String, byte[]> headers(ConsumerRecord<String, byte[]> record) {
        Map<String, byte[]> headers = new LinkedHashMap<>();
        for (Header header : record.headers()) {
            headers.put(header.key(), header.value());
        }
        return headers;
    }

    /** Producers bridged from HTTP often send Content-Type, so transport headers match case-insensitively. */
    private static byte[] header(Map<String, byte[]> headers, String name) {
        byte[] found = null;
        for (Map.Entry<String, byte[]> header : headers.entrySet()) {
            if (header.getKey().equalsIgnoreCase(name)) {
                found = header.getValue();
            }
        }
        return found;
    }

    private static String text(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }
}
