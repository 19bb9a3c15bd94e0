package org.servicerecovery.events.domain;

import static java.util.Objects.requireNonNull;

import java.time.OffsetDateTime;

import org.servicerecovery.events.CustomerEvent;
import org.servicerecovery.events.crm.Severity;

/**
 * {@code recovery.case-opened}: recovery-escalation opened a case to win back a customer we let down.
 *
 * @param customerId the customer's id in the CRM; also the Kafka key and the CloudEvents subject.
 * @param caseId the case's id, unique in recovery-escalation.
 * @param trigger what kind of failure opened the case.
 * @param triggerRef id of that failure: the complaintId, the promiseId, or the id of the feedback.received
 *        event.
 * @param team team that owns the case.
 * @param severity how serious the failure is; sets the policy's deadlines.
 * @param repeatFailure true if we already failed this customer recently, which calls for a stronger
 *        recovery.
 * @param policyId recovery policy that planned the steps.
 * @param policyVersion version of that policy, so a case can be explained after the policy changes.
 * @param openedAt when the case was opened.
 */
public record RecoveryCaseOpened(
        String customerId,
        String caseId,
        RecoveryTrigger trigger,
        String triggerRef,
        String team,
        Severity severity,
        boolean repeatFailure,
        String policyId,
        int policyVersion,
        OffsetDateTime openedAt) implements CustomerEvent {

    public RecoveryCaseOpened {
        requireNonNull(customerId, "customerId");
        requireNonNull(caseId, "caseId");
        requireNonNull(trigger, "trigger");
        requireNonNull(triggerRef, "triggerRef");
        requireNonNull(team, "team");
        requireNonNull(severity, "severity");
        requireNonNull(policyId, "policyId");
        requireNonNull(openedAt, "openedAt");
        if (policyVersion < 1) {
            throw new IllegalArgumentException("policyVersion must be at least 1, was " + policyVersion);
        }
    }
}
