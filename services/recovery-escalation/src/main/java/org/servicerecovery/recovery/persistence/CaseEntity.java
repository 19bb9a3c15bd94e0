package org.servicerecovery.recovery.persistence;

import java.time.Instant;

import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.servicerecovery.events.crm.Severity;
import org.servicerecovery.events.domain.EscalationLevel;
import org.servicerecovery.events.domain.RecoveryTrigger;
import org.servicerecovery.recovery.domain.CaseState;
import org.servicerecovery.recovery.domain.RecoveryCase;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;

@Entity
@Table(name = "recovery_case")
public class CaseEntity extends PanacheEntityBase {

    @Id
    public String id;
    public String customerId;
    public String team;
    public String assignee;
    @Enumerated(EnumType.STRING)
    public Severity severity;
    @Enumerated(EnumType.STRING)
    public CaseState state;
    @Enumerated(EnumType.STRING)
    public RecoveryTrigger trigger;
    public String triggerRef;
    @Enumerated(EnumType.STRING)
    public EscalationLevel escalation;
    public Instant nextDeadline;
    public boolean overdue;
    public Instant openedAt;
    public Instant resolvedAt;
    public int policyVersion;
    public String doc;
    public Instant updatedAt;

    RecoveryCase toDomain() {
        return CaseDocuments.read(doc);
    }

    void copy(RecoveryCase c, Instant now) {
        id = c.id();
        customerId = c.customer().id();
        team = c.team();
        assignee = c.assignee();
        severity = c.severity();
        state = c.state();
        trigger = c.trigger();
        triggerRef = c.triggerRef();
        escalation = c.escalation();
        nextDeadline = c.nextDeadline();
        overdue = c.overdue();
        openedAt = c.openedAt();
        resolvedAt = c.resolvedAt();
        policyVersion = c.policyVersion();
        doc = CaseDocuments.write(c);
        updatedAt = now;
    }
}
