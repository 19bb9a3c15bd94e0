package org.servicerecovery.recovery.api;

import java.time.Clock;
import java.time.Instant;
import java.util.function.BiFunction;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.NotFoundException;

import org.servicerecovery.recovery.RecoveryMetrics;
import org.servicerecovery.recovery.domain.Change;
import org.servicerecovery.recovery.domain.Policy;
import org.servicerecovery.recovery.domain.RecoveryCase;
import org.servicerecovery.recovery.messaging.ChangeWriter;
import org.servicerecovery.recovery.persistence.CaseStore;
import org.servicerecovery.recovery.persistence.PolicyCatalog;
import org.servicerecovery.servicekit.Viewer;

import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;

/**
 * An agent's action on a case, in one transaction: lock the case (after its timers), check the caller may see it
 * (404 otherwise, as if it did not exist), decide with the case's pinned policy version, commit the change with its
 * events and timers.
 */
@ApplicationScoped
public class CaseCommands {

    /** A decision of the rules, given the case, its policy version and now. */
    @FunctionalInterface
    public interface Action {
        Change decide(RecoveryCase recoveryCase, Policy policy, Instant now);
    }

    private final CaseStore store;
    private final PolicyCatalog policies;
    private final ChangeWriter writer;
    private final RecoveryMetrics metrics;
    private final Clock clock;

    CaseCommands(CaseStore store, PolicyCatalog policies, ChangeWriter writer, RecoveryMetrics metrics, Clock clock) {
        this.store = store;
        this.policies = policies;
        this.writer = writer;
        this.metrics = metrics;
        this.clock = clock;
    }

    @WithTransaction
    public Uni<RecoveryCase> run(String caseId, Viewer viewer, Action action) {
        Instant now = clock.instant();
        return store.lockWithTimers(caseId)
                .map(found -> found.filter(c -> viewer.sees(c.team(), c.assignee())).orElseThrow(() ->
                        new NotFoundException("No case " + caseId + " that you may see.")))
                .chain(c -> policies.version(c.policyVersion())
                        .chain(policy -> writer.write(action.decide(c, policy, now), now)))
                .invoke(change -> metrics.count(change.events()))
                .map(Change::recoveryCase);
    }

    /** For actions that do not need the policy. */
    static Action simple(BiFunction<RecoveryCase, Instant, Change> decision) {
        return (c, policy, now) -> decision.apply(c, now);
    }
}
