package org.servicerecovery.recovery.application;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import org.servicerecovery.events.CloudEvent;
import org.servicerecovery.events.CustomerEvent;
import org.servicerecovery.events.EventData;
import org.servicerecovery.events.EventType;
import org.servicerecovery.events.domain.OutreachRequested;
import org.servicerecovery.events.domain.RecoveryCasePaused;
import org.servicerecovery.events.domain.RecoveryCaseResolved;
import org.servicerecovery.events.domain.RecoveryCaseResumed;
import org.servicerecovery.events.domain.RecoveryEscalated;
import org.servicerecovery.events.domain.RecoveryStepCompleted;
import org.servicerecovery.events.domain.RecoveryStepOverdue;
import org.servicerecovery.events.domain.RecoveryStepStarted;
import org.servicerecovery.events.domain.RecoveryStepWarned;

/**
 * Wraps domain events in CloudEvents whose id follows from the transition ({@code <caseId>/recovery.step-completed/s2}),
 * so if the same transition were ever published twice, consumers would drop the copy.
 */
final class RecoveryEventFactory {

    static final String SOURCE = "urn:service-recovery:recovery-escalation";

    private RecoveryEventFactory() {
    }

    static CloudEvent wrap(String caseId, CustomerEvent data, Instant now) {
        String id = caseId + "/" + EventType.of(data.getClass()).type() + discriminator(data);
        return EventData.wrap(id, SOURCE, OffsetDateTime.ofInstant(now, ZoneOffset.UTC), data);
    }

    private static String discriminator(CustomerEvent data) {
        if (data instanceof RecoveryStepStarted started) {
            return "/" + started.stepId();
        }
        if (data instanceof RecoveryStepWarned warned) {
            return "/" + warned.stepId();
        }
        if (data instanceof RecoveryStepCompleted completed) {
            return "/" + completed.stepId();
        }
        if (data instanceof RecoveryStepOverdue overdue) {
            return "/" + overdue.stepId();
        }
        // A case can be paused and resumed many times.
        if (data instanceof RecoveryCasePaused paused) {
            return "/" + paused.pausedAt().toInstant().toEpochMilli();
        }
        if (data instanceof RecoveryCaseResumed resumed) {
            return "/" + resumed.resumedAt().toInstant().toEpochMilli();
        }
        if (data instanceof RecoveryEscalated escalated) {
            return "/" + escalated.stepId() + "/" + escalated.level().name().toLowerCase();
        }
        if (data instanceof OutreachRequested outreach) {
            return "/" + outreach.outreachId();
        }
        // A reopened case can be resolved again.
        if (data instanceof RecoveryCaseResolved resolved) {
            return "/" + resolved.resolvedAt().toInstant().toEpochMilli();
        }
        return "";
    }
}
