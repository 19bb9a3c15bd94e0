package org.servicerecovery.events;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import org.servicerecovery.events.crm.Channel;
import org.servicerecovery.events.crm.CommitmentCancelled;
import org.servicerecovery.events.crm.CommitmentFulfilled;
import org.servicerecovery.events.crm.CommitmentMade;
import org.servicerecovery.events.crm.CommitmentRescheduled;
import org.servicerecovery.events.crm.ComplaintFiled;
import org.servicerecovery.events.crm.ContactChannel;
import org.servicerecovery.events.crm.CustomerUpserted;
import org.servicerecovery.events.crm.FeedbackReceived;
import org.servicerecovery.events.crm.OutreachDelivered;
import org.servicerecovery.events.crm.Severity;
import org.servicerecovery.events.crm.Tier;
import org.servicerecovery.events.domain.EscalationLevel;
import org.servicerecovery.events.domain.LoyaltyBand;
import org.servicerecovery.events.domain.LoyaltyScoreChanged;
import org.servicerecovery.events.domain.OutreachRequested;
import org.servicerecovery.events.domain.PromiseAtRisk;
import org.servicerecovery.events.domain.PromiseCancelled;
import org.servicerecovery.events.domain.PromiseFulfilledLate;
import org.servicerecovery.events.domain.PromiseKept;
import org.servicerecovery.events.domain.PromiseMissRetracted;
import org.servicerecovery.events.domain.PromiseMissed;
import org.servicerecovery.events.domain.PromiseRescheduled;
import org.servicerecovery.events.domain.RecoveryCaseOpened;
import org.servicerecovery.events.domain.RecoveryCasePaused;
import org.servicerecovery.events.domain.RecoveryCaseResolved;
import org.servicerecovery.events.domain.RecoveryCaseResumed;
import org.servicerecovery.events.domain.RecoveryEscalated;
import org.servicerecovery.events.domain.RecoveryStepCompleted;
import org.servicerecovery.events.domain.RecoveryStepOverdue;
import org.servicerecovery.events.domain.RecoveryStepStarted;
import org.servicerecovery.events.domain.RecoveryStepWarned;
import org.servicerecovery.events.domain.RecoveryTrigger;
import org.servicerecovery.events.domain.StepKind;
import org.servicerecovery.events.domain.Urgency;

/** One realistic instance of every event type, with every optional field set. */
final class Samples {

    static final String CUSTOMER = "cust-42";

    // A non-UTC offset, so tests notice if a codec normalises timestamps to UTC.
    private static final ZoneOffset BERLIN_SUMMER = ZoneOffset.ofHours(2);

    static final OffsetDateTime T0 = OffsetDateTime.of(2025, 6, 2, 9, 30, 0, 0, BERLIN_SUMMER);

    private Samples() {
    }

    static OffsetDateTime at(int minutesAfterT0) {
        return T0.plusMinutes(minutesAfterT0);
    }

    static Map<EventType, CustomerEvent> all() {
        Map<EventType, CustomerEvent> samples = new EnumMap<>(EventType.class);
        samples.put(EventType.CUSTOMER_UPSERTED, new CustomerUpserted(CUSTOMER, "Ada Lovelace", "ada@example.com",
                "+4930123456", Tier.GOLD, "Europe/Berlin", "de-DE", ContactChannel.EMAIL, "key-accounts"));
        samples.put(EventType.COMPLAINT_FILED, new ComplaintFiled(CUSTOMER, "cmp-1", Channel.IN_PERSON, "delivery",
                Severity.HIGH, "Parcel arrived broken, second time this month.", at(0)));
        samples.put(EventType.COMMITMENT_MADE, new CommitmentMade(CUSTOMER, "com-7", "Replacement shipped by Friday",
                at(2 * 24 * 60), "agent-3", "support-emea", Channel.PHONE, at(5)));
        samples.put(EventType.COMMITMENT_FULFILLED, new CommitmentFulfilled(CUSTOMER, "com-7", at(24 * 60)));
        samples.put(EventType.COMMITMENT_RESCHEDULED, new CommitmentRescheduled(CUSTOMER, "com-7", at(3 * 24 * 60),
                "Warehouse strike", true));
        samples.put(EventType.COMMITMENT_CANCELLED, new CommitmentCancelled(CUSTOMER, "com-7",
                "Customer withdrew the order"));
        samples.put(EventType.FEEDBACK_RECEIVED, new FeedbackReceived(CUSTOMER, "case-9", 4,
                "Call back when you say you will", "A discount on the next order", "The agent listened",
                at(9 * 24 * 60)));
        samples.put(EventType.OUTREACH_DELIVERED, new OutreachDelivered(CUSTOMER, "out-5", ContactChannel.SMS, at(70)));

        samples.put(EventType.PROMISE_AT_RISK, new PromiseAtRisk(CUSTOMER, "com-7", "agent-3", "support-emea",
                "Replacement shipped by Friday", at(2 * 24 * 60), at(2 * 24 * 60 - 120)));
        samples.put(EventType.PROMISE_MISSED, new PromiseMissed(CUSTOMER, "com-7", "agent-3", "support-emea",
                "Replacement shipped by Friday", at(2 * 24 * 60), at(2 * 24 * 60 + 1), 60_000L));
        samples.put(EventType.PROMISE_KEPT, new PromiseKept(CUSTOMER, "com-7", "agent-3", "support-emea",
                at(2 * 24 * 60), at(24 * 60)));
        samples.put(EventType.PROMISE_FULFILLED_LATE, new PromiseFulfilledLate(CUSTOMER, "com-7", "agent-3",
                "support-emea", at(2 * 24 * 60), at(2 * 24 * 60 + 90), 5_400_000L));
        samples.put(EventType.PROMISE_CANCELLED, new PromiseCancelled(CUSTOMER, "com-7", "agent-3",
                "Customer withdrew the order", at(60)));
        samples.put(EventType.PROMISE_RESCHEDULED, new PromiseRescheduled(CUSTOMER, "com-7", "agent-3",
                at(2 * 24 * 60), at(3 * 24 * 60), false, "Warehouse strike"));
        samples.put(EventType.PROMISE_MISS_RETRACTED, new PromiseMissRetracted(CUSTOMER, "com-7", "agent-3",
                "support-emea", at(2 * 24 * 60), at(2 * 24 * 60 - 30), at(2 * 24 * 60 + 1),
                "fulfilled at or before the due time, reported after the miss"));

        samples.put(EventType.RECOVERY_CASE_OPENED, new RecoveryCaseOpened(CUSTOMER, "case-9",
                RecoveryTrigger.MISSED_PROMISE, "com-7", "support-emea", Severity.HIGH, true, "policy-missed-promise",
                3, at(2 * 24 * 60 + 2)));
        samples.put(EventType.RECOVERY_STEP_COMPLETED, new RecoveryStepCompleted(CUSTOMER, "case-9", "step-1",
                StepKind.FOLLOW_UP, at(3 * 24 * 60), at(2 * 24 * 60 + 30), true));
        samples.put(EventType.RECOVERY_ESCALATED, new RecoveryEscalated(CUSTOMER, "case-9", "step-2",
                EscalationLevel.MANAGER, "mgr-12", at(4 * 24 * 60)));
        samples.put(EventType.RECOVERY_STEP_STARTED, new RecoveryStepStarted(CUSTOMER, "case-9", "step-1",
                StepKind.APOLOGY, at(2 * 24 * 60 + 2), at(2 * 24 * 60 + 47), at(2 * 24 * 60 + 62)));
        samples.put(EventType.RECOVERY_STEP_WARNED, new RecoveryStepWarned(CUSTOMER, "case-9", "step-2",
                StepKind.REMEDY, at(4 * 24 * 60), at(4 * 24 * 60 - 120)));
        samples.put(EventType.RECOVERY_STEP_OVERDUE, new RecoveryStepOverdue(CUSTOMER, "case-9", "step-2",
                StepKind.REMEDY, at(4 * 24 * 60), at(4 * 24 * 60 + 1)));
        samples.put(EventType.RECOVERY_CASE_PAUSED, new RecoveryCasePaused(CUSTOMER, "case-9",
                "Waiting for the customer's photos", at(2 * 24 * 60 + 70)));
        samples.put(EventType.RECOVERY_CASE_RESUMED, new RecoveryCaseResumed(CUSTOMER, "case-9", at(2 * 24 * 60 + 70),
                at(3 * 24 * 60)));
        samples.put(EventType.RECOVERY_CASE_RESOLVED, new RecoveryCaseResolved(CUSTOMER, "case-9", at(5 * 24 * 60),
                at(2 * 24 * 60 + 2), 2, 3));
        samples.put(EventType.OUTREACH_REQUESTED, new OutreachRequested(CUSTOMER, "out-5", "case-9",
                ContactChannel.EMAIL, StepKind.APOLOGY, "Wir haben unser Versprechen nicht gehalten", "Liebe Ada, ...",
                Urgency.IMMEDIATE, "de-DE", at(2 * 24 * 60 + 3)));
        samples.put(EventType.LOYALTY_SCORE_CHANGED, new LoyaltyScoreChanged(CUSTOMER, 61, 48, LoyaltyBand.NEUTRAL,
                LoyaltyBand.AT_RISK, at(2 * 24 * 60 + 4), List.of("promise com-7 missed", "repeat failure")));
        return samples;
    }
}
