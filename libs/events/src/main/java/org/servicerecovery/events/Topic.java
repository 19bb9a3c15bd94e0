package org.servicerecovery.events;

import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;

/**
 * The Kafka topic catalogue. Every topic is keyed by customer id, so one customer's events are read in the
 * order they were written, whatever the topic.
 */
public enum Topic {

    CRM_EVENTS("crm.events",
            "Inbound CloudEvents from CRMs, binary or structured mode, as the CRMs sent them.",
            "customer id", Duration.ofDays(7)),
    CRM_EVENTS_DLQ("crm.events.dlq",
            "crm.events records that break the contract, unchanged, with dead-letter-* headers saying why.",
            "the original record's key", Duration.ofDays(30)),
    INTAKE_EVENTS("intake.events",
            "Validated, normalised, de-duplicated inbound events; all types on one topic so per-customer order holds.",
            "customer id", Duration.ofDays(30)),
    PROMISE_EVENTS("promise.events",
            "promise.* events from promise-tracking.",
            "customer id", Duration.ofDays(30)),
    RECOVERY_EVENTS("recovery.events",
            "recovery.* case, step and escalation events from recovery-escalation.",
            "customer id", Duration.ofDays(30)),
    OUTREACH_REQUESTS("outreach.requests",
            "outreach.requested: messages such as apologies that a CRM must deliver to the customer.",
            "customer id", Duration.ofDays(7)),
    LOYALTY_EVENTS("loyalty.events",
            "loyalty.score-changed events from loyalty-scoring.",
            "customer id", Duration.ofDays(30)),
    PROMISE_TRACKING_DLQ("promise-tracking.dlq",
            "Records promise-tracking could not process, unchanged, with dead-letter-* headers.",
            "the original record's key", Duration.ofDays(30)),
    RECOVERY_ESCALATION_DLQ("recovery-escalation.dlq",
            "Records recovery-escalation could not process, unchanged, with dead-letter-* headers.",
            "the original record's key", Duration.ofDays(30)),
    LOYALTY_SCORING_DLQ("loyalty-scoring.dlq",
            "Records loyalty-scoring could not process, unchanged, with dead-letter-* headers.",
            "the original record's key", Duration.ofDays(30));

    // Six partitions let up to six instances of a consumer share a topic; the key keeps per-customer order.
    private static final int DEFAULT_PARTITIONS = 6;

    private final String topicName;
    private final String purpose;
    private final String key;
    private final int partitions;
    private final Duration retention;

    Topic(String topicName, String purpose, String key, Duration retention) {
        this.topicName = topicName;
        this.purpose = purpose;
        this.key = key;
        this.partitions = DEFAULT_PARTITIONS;
        this.retention = retention;
    }

    public String topicName() {
        return topicName;
    }

    /** One line on what the topic carries. */
    public String purpose() {
        return purpose;
    }

    /** What the record key is. */
    public String key() {
        return key;
    }

    public int partitions() {
        return partitions;
    }

    /**
     * How long records should be kept: dead letters and the replayable domain streams for a month, so a
     * fix can be followed by a replay; inbound CRM traffic and outreach requests for a week, since a
     * week-old apology is better not sent.
     */
    public Duration retention() {
        return retention;
    }

    public static Optional<Topic> byName(String topicName) {
        return Arrays.stream(values()).filter(topic -> topic.topicName.equals(topicName)).findFirst();
    }
}
