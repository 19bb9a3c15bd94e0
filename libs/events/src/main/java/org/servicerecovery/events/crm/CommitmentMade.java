package org.servicerecovery.events.crm;

import static java.util.Objects.requireNonNull;

import java.time.OffsetDateTime;

import com.fasterxml.jackson.annotation.JsonInclude;

import org.servicerecovery.events.CustomerEvent;

/**
 * {@code commitment.made}: an agent promised the customer something by a deadline.
 *
 * @param customerId the customer's id in the CRM; also the Kafka key and the CloudEvents subject.
 * @param commitmentId the commitment's id in the CRM; domain events call it promiseId.
 * @param description what was promised.
 * @param dueAt the deadline the customer was given.
 * @param owner id of the agent who made the promise and is accountable for it.
 * @param team the owner's team, if the CRM knows it.
 * @param channel where the promise was made.
 * @param madeAt when the promise was made.
 */
public record CommitmentMade(
        String customerId,
        String commitmentId,
        String description,
        OffsetDateTime dueAt,
        String owner,
        @JsonInclude(JsonInclude.Include.NON_NULL) String team,
        Channel channel,
        OffsetDateTime madeAt) implements CustomerEvent {

    public CommitmentMade {
        requireNonNull(customerId, "customerId");
        requireNonNull(commitmentId, "commitmentId");
        requireNonNull(description, "description");
        requireNonNull(dueAt, "dueAt");
        requireNonNull(owner, "owner");
        requireNonNull(channel, "channel");
        requireNonNull(madeAt, "madeAt");
    }
}
