package org.servicerecovery.events.domain;

import static java.util.Objects.requireNonNull;

import java.time.OffsetDateTime;

import org.servicerecovery.events.CustomerEvent;
import org.servicerecovery.events.crm.ContactChannel;

/**
 * {@code outreach.requested}: recovery-escalation asks a CRM to send the customer a message, such as an apology.
 *
 * @param customerId the customer's id in the CRM; also the Kafka key and the CloudEvents subject.
 * @param outreachId id the CRM echoes in outreach.delivered; a CRM should send each outreachId once.
 * @param caseId the recovery case the message belongs to.
 * @param channel channel to send it on, normally the customer's preferred one.
 * @param purpose the recovery step the message carries out.
 * @param subject subject line or headline; channels without one may drop it.
 * @param body the message, ready to send, in the customer's language.
 * @param urgency how soon to send it.
 * @param locale BCP 47 language tag the message is written in.
 * @param requestedAt when it was requested.
 */
public record OutreachRequested(
        String customerId,
        String outreachId,
        String caseId,
        ContactChannel channel,
        StepKind purpose,
        String subject,
        String body,
        Urgency urgency,
        String locale,
        OffsetDateTime requestedAt) implements CustomerEvent {

    public OutreachRequested {
        requireNonNull(customerId, "customerId");
        requireNonNull(outreachId, "outreachId");
        requireNonNull(caseId, "caseId");
        requireNonNull(channel, "channel");
        requireNonNull(purpose, "purpose");
        requireNonNull(subject, "subject");
        requireNonNull(body, "body");
        requireNonNull(urgency, "urgency");
        requireNonNull(locale, "locale");
        requireNonNull(requestedAt, "requestedAt");
    }
}
