package org.servicerecovery.events;

import java.util.Arrays;
import java.util.Optional;

import org.servicerecovery.events.crm.CommitmentCancelled;
import org.servicerecovery.events.crm.CommitmentFulfilled;
import org.servicerecovery.events.crm.CommitmentMade;
import org.servicerecovery.events.crm.CommitmentRescheduled;
import org.servicerecovery.events.crm.ComplaintFiled;
import org.servicerecovery.events.crm.CustomerUpserted;
import org.servicerecovery.events.crm.FeedbackReceived;
import org.servicerecovery.events.crm.OutreachDelivered;
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

/**
 * The event type catalogue: each CloudEvents {@code type} with the record its {@code data} binds to, the
 * topic service-recovery publishes it on and its JSON Schema.
 *
 * <p>CRM types arrive on {@link Topic#CRM_EVENTS}; intake validates them and republishes them on
 * {@link Topic#INTAKE_EVENTS}, which is therefore their {@link #topic()}.
 */
public enum EventType {

    CUSTOMER_UPSERTED("customer.upserted", CustomerUpserted.class, Topic.INTAKE_EVENTS, 1),
    COMPLAINT_FILED("complaint.filed", ComplaintFiled.class, Topic.INTAKE_EVENTS, 1),
    COMMITMENT_MADE("commitment.made", CommitmentMade.class, Topic.INTAKE_EVENTS, 1),
    COMMITMENT_FULFILLED("commitment.fulfilled", CommitmentFulfilled.class, Topic.INTAKE_EVENTS, 1),
    COMMITMENT_RESCHEDULED("commitment.rescheduled", CommitmentRescheduled.class, Topic.INTAKE_EVENTS, 1),
    COMMITMENT_CANCELLED("commitment.cancelled", CommitmentCancelled.class, Topic.INTAKE_EVENTS, 1),
    FEEDBACK_RECEIVED("feedback.received", FeedbackReceived.class, Topic.INTAKE_EVENTS, 1),
    OUTREACH_DELIVERED("outreach.delivered", OutreachDelivered.class, Topic.INTAKE_EVENTS, 1),

    PROMISE_AT_RISK("promise.at-risk", PromiseAtRisk.class, Topic.PROMISE_EVENTS, 1),
    PROMISE_MISSED("promise.missed", PromiseMissed.class, Topic.PROMISE_EVENTS, 1),
    PROMISE_KEPT("promise.kept", PromiseKept.class, Topic.PROMISE_EVENTS, 1),
    PROMISE_FULFILLED_LATE("promise.fulfilled-late", PromiseFulfilledLate.class, Topic.PROMISE_EVENTS, 1),
    PROMISE_CANCELLED("promise.cancelled", PromiseCancelled.class, Topic.PROMISE_EVENTS, 1),
    PROMISE_RESCHEDULED("promise.rescheduled", PromiseRescheduled.class, Topic.PROMISE_EVENTS, 1),
    PROMISE_MISS_RETRACTED("promise.miss-retracted", PromiseMissRetracted.class, Topic.PROMISE_EVENTS, 1),

    RECOVERY_CASE_OPENED("recovery.case-opened", RecoveryCaseOpened.class, Topic.RECOVERY_EVENTS, 1),
    RECOVERY_STEP_STARTED("recovery.step-started", RecoveryStepStarted.class, Topic.RECOVERY_EVENTS, 1),
    RECOVERY_STEP_WARNED("recovery.step-warned", RecoveryStepWarned.class, Topic.RECOVERY_EVENTS, 1),
    RECOVERY_STEP_COMPLETED("recovery.step-completed", RecoveryStepCompleted.class, Topic.RECOVERY_EVENTS, 1),
    RECOVERY_STEP_OVERDUE("recovery.step-overdue", RecoveryStepOverdue.class, Topic.RECOVERY_EVENTS, 1),
    RECOVERY_ESCALATED("recovery.escalated", RecoveryEscalated.class, Topic.RECOVERY_EVENTS, 1),
    RECOVERY_CASE_PAUSED("recovery.case-paused", RecoveryCasePaused.class, Topic.RECOVERY_EVENTS, 1),
    RECOVERY_CASE_RESUMED("recovery.case-resumed", RecoveryCaseResumed.class, Topic.RECOVERY_EVENTS, 1),
    RECOVERY_CASE_RESOLVED("recovery.case-resolved", RecoveryCaseResolved.class, Topic.RECOVERY_EVENTS, 1),

    OUTREACH_REQUESTED("outreach.requested", OutreachRequested.class, Topic.OUTREACH_REQUESTS, 1),

    LOYALTY_SCORE_CHANGED("loyalty.score-changed", LoyaltyScoreChanged.class, Topic.LOYALTY_EVENTS, 1);

    private static final String SCHEMA_BASE_URI = "https://servicerecovery.org/";

    private final String type;
    private final Class<? extends CustomerEvent> dataClass;
    private final Topic topic;
    private final int version;

    EventType(String type, Class<? extends CustomerEvent> dataClass, Topic topic, int version) {
        this.type = type;
        this.dataClass = dataClass;
        this.topic = topic;
        this.version = version;
    }

    /** The CloudEvents {@code type} attribute. */
    public String type() {
        return type;
    }

    public Class<? extends CustomerEvent> dataClass() {
        return dataClass;
    }

    public Topic topic() {
        return topic;
    }

    /** Version of the data schema. It only changes for a breaking change, which gets a new schema file. */
    public int version() {
        return version;
    }

    /** True for the types CRMs send, which intake accepts on {@link Topic#CRM_EVENTS}. */
    public boolean inbound() {
        return topic == Topic.INTAKE_EVENTS;
    }

    /** Classpath location of the data's JSON Schema, e.g. {@code schemas/commitment.made.v1.json}. */
    public String schemaPath() {
        return "schemas/" + type + ".v" + version + ".json";
    }

    /** The CloudEvents {@code dataschema} attribute: the {@code $id} of the schema at {@link #schemaPath()}. */
    public String dataschema() {
        return SCHEMA_BASE_URI + schemaPath();
    }

    public static Optional<EventType> fromType(String type) {
        return Arrays.stream(values()).filter(eventType -> eventType.type.equals(type)).findFirst();
    }

    /**
     * The type whose data is {@code dataClass}.
     *
     * @throws IllegalArgumentException for a class outside the catalogue
     */
    public static EventType of(Class<? extends CustomerEvent> dataClass) {
        return Arrays.stream(values())
                .filter(eventType -> eventType.dataClass.equals(dataClass))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException(
                        dataClass.getName() + " is not the data of any event type"));
    }
}
