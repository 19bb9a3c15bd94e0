package org.servicerecovery.events;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;

import org.servicerecovery.events.InvalidCloudEventException.Problem;

/**
 * The data of an {@value #TYPE} event, which intake publishes on every partition of {@link Topic#INTAKE_EVENTS}: every
 * CRM event intake accepted whose receipt time (its crm.events record timestamp, or the REST acceptance time) lies
 * before {@code watermark} is on this partition before this record. A consumer that has read every partition up to a
 * watermark record has seen every event received before the smallest of them: it can decide on event time.
 *
 * <p>Not a customer event: it concerns no customer and is no part of {@link EventType}, so a CRM cannot send one and
 * no consumer records it as processed. Its {@code subject} names the partition it was published on.
 *
 * @param watermark everything received before it is on this partition before this record
 * @param partitions how many partitions the topic has: a consumer knows its input's watermark only once it has one
 *                   from each of them
 */
public record IntakeWatermark(OffsetDateTime watermark, int partitions) {

    /** The CloudEvents {@code type}. */
    public static final String TYPE = "intake.watermark";
    public static final int VERSION = 1;
    public static final String SCHEMA_PATH = "schemas/" + TYPE + ".v" + VERSION + ".json";
    public static final String DATASCHEMA = "https://servicerecovery.org/" + SCHEMA_PATH;

    public IntakeWatermark {
        if (watermark == null) {
            throw new InvalidCloudEventException(List.of(new Problem("/data/watermark", "is required")));
        }
        if (partitions < 1) {
            throw new InvalidCloudEventException(List.of(new Problem("/data/partitions", "must be at least 1")));
        }
    }

    public static boolean is(CloudEvent event) {
        return TYPE.equals(event.type());
    }

    /** The subject (and Kafka key) of the watermark published on {@code partition}. */
    public static String subject(int partition) {
        return "partition-" + partition;
    }

    /**
     * The event for one partition. Its id names the partition and the watermark, so the same watermark published twice
     * (by two intake replicas, or again after a crash) is one event.
     */
    public static CloudEvent event(String source, int partition, Instant watermark, int partitions, Instant now) {
        IntakeWatermark data = new IntakeWatermark(OffsetDateTime.ofInstant(watermark, ZoneOffset.UTC), partitions);
        return new CloudEvent(CloudEvent.SPEC_VERSION, "watermark-" + partition + "-" + watermark.toEpochMilli(),
                source, TYPE, subject(partition), OffsetDateTime.ofInstant(now, ZoneOffset.UTC),
                CloudEvent.JSON_CONTENT_TYPE, DATASCHEMA, EventData.mapper().valueToTree(data), Map.of());
    }

    /** The data of an event that {@link #is} a watermark; throws {@link InvalidCloudEventException} if it is malformed. */
    public static IntakeWatermark read(CloudEvent event) {
        if (event.data() == null) {
            throw new InvalidCloudEventException(List.of(new Problem("/data", "is required")));
        }
        try {
            return EventData.mapper().treeToValue(event.data(), IntakeWatermark.class);
        } catch (JsonProcessingException e) {
            throw new InvalidCloudEventException(List.of(new Problem("/data",
                    TextRules.printable(e.getOriginalMessage(), 300))));
        }
    }
}
