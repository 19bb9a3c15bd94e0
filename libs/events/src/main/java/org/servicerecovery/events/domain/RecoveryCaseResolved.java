package org.servicerecovery.events.domain;

import static java.util.Objects.requireNonNull;

import java.time.OffsetDateTime;

import org.servicerecovery.events.CustomerEvent;

/**
 * {@code recovery.case-resolved}: a recovery case was closed: every step is done.
 *
 * @param customerId the customer's id in the CRM; also the Kafka key and the CloudEvents subject.
 * @param caseId the case.
 * @param resolvedAt when it was closed.
 * @param openedAt when it was opened, so readers get the duration without looking it up.
 * @param stepsOnTime steps completed by their deadline.
 * @param stepsTotal all steps of the case.
 */
public record RecoveryCaseResolved(
        String customerId,
        String caseId,
        OffsetDateTime resolvedAt,
        OffsetDateTime openedAt,
        int stepsOnTime,
        int stepsTotal) implements CustomerEvent {

    public RecoveryCaseResolved {
        requireNonNull(customerId, "customerId");
        requireNonNull(caseId, "caseId");
        requireNonNull(resolvedAt, "resolvedAt");
        requireNonNull(openedAt, "openedAt");
        if (stepsOnTime < 0 || stepsOnTime > stepsTotal) {
            throw new IllegalArgumentException(
                    "stepsOnTime must be between 0 and stepsTotal (" + stepsTotal + "), was " + stepsOnTime);
        }
    }
}
