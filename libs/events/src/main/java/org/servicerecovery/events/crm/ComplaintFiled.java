package org.servicerecovery.events.crm;

import static java.util.Objects.requireNonNull;

import java.time.OffsetDateTime;

import org.servicerecovery.events.CustomerEvent;

/**
 * {@code complaint.filed}: the customer complained.
 *
 * @param customerId the customer's id in the CRM; also the Kafka key and the CloudEvents subject.
 * @param complaintId the complaint's id in the CRM.
 * @param channel where the customer complained.
 * @param category the CRM's category, e.g. billing or delivery.
 * @param severity how serious the CRM rates it.
 * @param summary what the customer said, summarised by the agent.
 * @param occurredAt when the customer complained, which may be well before the CRM sent the event.
 */
public record ComplaintFiled(
        String customerId,
        String complaintId,
        Channel channel,
        String category,
        Severity severity,
        String summary,
        OffsetDateTime occurredAt) implements CustomerEvent {

    public ComplaintFiled {
        requireNonNull(customerId, "customerId");
        requireNonNull(complaintId, "complaintId");
        requireNonNull(channel, "channel");
        requireNonNull(category, "category");
        requireNonNull(severity, "severity");
        requireNonNull(summary, "summary");
        requireNonNull(occurredAt, "occurredAt");
    }
}
