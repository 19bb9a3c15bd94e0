package org.servicerecovery.recovery.persistence;

import org.servicerecovery.events.crm.Severity;
import org.servicerecovery.recovery.domain.CaseState;

/** List filters; null means any. */
public record CaseFilter(CaseState state, String assignee, String team, Severity severity, Boolean overdue) {
}
