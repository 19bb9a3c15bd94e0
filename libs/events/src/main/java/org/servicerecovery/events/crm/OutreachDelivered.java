package org.servicerecovery.events.crm;

import static java.util.Objects.requireNonNull;

import java.time.OffsetDateTime;

import org.servicerecovery.events.CustomerEvent;

/**
 * {@code outreach.delivered}: a CRM delivered a message that an outreach.requested asked for.
 *
 * @param customerId the customer's id in the CRM; also the Kafka key and the CloudEvents subject.
 * @param outreachId the outreachId of the outreach.requested it answers.
 * @param channel the channel it went out on, which may differ from the one requested.
 * @param deliveredAt when it reached the customer.
 */
public record OutreachDelivered(
        String customerId,
        String outreachId,
        ContactChannel channel,
        OffsetDateTime deliveredAt) implements CustomerEvent {

    public OutreachDelivered {
        requireNonNull(customerId, "customerId");
        requireNonNull(outreachId, "outreachId");
        requireNonNull(channel, "channel");
        requireNonNull(deliveredAt, "deliveredAt");
    }
}
