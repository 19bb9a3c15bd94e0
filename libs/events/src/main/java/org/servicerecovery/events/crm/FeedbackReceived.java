package org.servicerecovery.events.crm;

import static java.util.Objects.requireNonNull;

import java.time.OffsetDateTime;

import com.fasterxml.jackson.annotation.JsonInclude;

import org.servicerecovery.events.CustomerEvent;

/**
 * {@code feedback.received}: the customer answered a satisfaction survey.
 *
 * @param customerId the customer's id in the CRM; also the Kafka key and the CloudEvents subject.
 * @param caseId the recovery case the survey followed up, if it did.
 * @param rating how likely the customer is to recommend us, 0 to 10.
 * @param improveOneThing answer to "what one thing should we improve?", if given.
 * @param additionalValue answer to "what more could we have done for you?", if given.
 * @param bestExperience answer to "what did we do best?", if given.
 * @param receivedAt when the customer answered.
 */
public record FeedbackReceived(
        String customerId,
        @JsonInclude(JsonInclude.Include.NON_NULL) String caseId,
        int rating,
        @JsonInclude(JsonInclude.Include.NON_NULL) String improveOneThing,
        @JsonInclude(JsonInclude.Include.NON_NULL) String additionalValue,
        @JsonInclude(JsonInclude.Include.NON_NULL) String bestExperience,
        OffsetDateTime receivedAt) implements CustomerEvent {

    public FeedbackReceived {
        requireNonNull(customerId, "customerId");
        requireNonNull(receivedAt, "receivedAt");
        if (rating < 0 || rating > 10) {
            throw new IllegalArgumentException("rating must be between 0 and 10, was " + rating);
        }
    }
}
