package org.servicerecovery.recovery.api;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

import org.servicerecovery.events.crm.Severity;
import org.servicerecovery.events.domain.EscalationLevel;
import org.servicerecovery.events.domain.RecoveryTrigger;
import org.servicerecovery.events.domain.StepKind;
import org.servicerecovery.recovery.domain.CaseState;
import org.servicerecovery.recovery.domain.RecoveryCase;
import org.servicerecovery.recovery.domain.SlaReport;
import org.servicerecovery.recovery.domain.Step;

/** Response and request bodies of the case API. */
final class CaseViews {

    private CaseViews() {
    }

    /** A case in a list: enough to pick the next one to work on. */
    record CaseSummary(String id, String customerId, String team, String assignee, Severity severity, CaseState state,
                       RecoveryTrigger trigger, String triggerRef, boolean repeat, EscalationLevel escalation,
                       Instant openedAt, Instant nextDeadline, boolean overdue, StepKind currentStep,
                       int policyVersion) {

        static CaseSummary of(RecoveryCase c) {
            return new CaseSummary(c.id(), c.customer().id(), c.team(), c.assignee(), c.severity(), c.state(),
                    c.trigger(), c.triggerRef(), c.repeat(), c.escalation(), c.openedAt(), c.nextDeadline(),
                    c.overdue(), c.activeStep().map(Step::kind).orElse(null), c.policyVersion());
        }
    }

    record CasePage(List<CaseSummary> items, int page, int size, long total) {
    }

    record SlaView(Instant from, Instant to, String groupBy, List<SlaReport.Group> groups) {
    }

    record AssignRequest(String assignee) {
    }

    record TeamRequest(String team) {
    }

    record MessageRequest(String subject, String body) {
    }

    record RemedyRequest(String type, BigDecimal value, String currency, String note) {
    }

    record AnswersRequest(String improveOneThing, String additionalValue, String bestExperience) {
    }

    record NoteRequest(String note) {
    }
}
