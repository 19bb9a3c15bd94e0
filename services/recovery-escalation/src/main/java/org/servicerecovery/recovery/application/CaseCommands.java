package org.servicerecovery.recovery.application;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.function.BiFunction;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.NotFoundException;

import org.servicerecovery.recovery.RecoveryMetrics;
import org.servicerecovery.recovery.domain.CaseChange;
import org.servicerecovery.recovery.domain.Policy;
import org.servicerecovery.recovery.domain.RecoveryCase;
import org.servicerecovery.recovery.persistence.CaseStore;
import org.servicerecovery.recovery.persistence.PolicyCatalog;
import org.servicerecovery.reliability.inbox.CustomerLocks;
import org.servicerecovery.servicekit.Viewer;

import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;

/**
 * An agent's action on a case, in one transaction: lock the case's customer as the inbound consumer does (a resolve or
 * reopen decides whether the customer's next failure joins this case or opens a new one, so it must not interleave
 * with a batch deciding exactly that), then the case after its timers; check the caller may see it (404 otherwise, as
 * if it did not exist), decide with the case's pinned policy version, commit the change with its events and timers.
 */
@ApplicationScoped
public class CaseCommands {

    /** A decision of the rules, given the case, its policy version and now. */
    @FunctionalInterface
    public interface Action {
        CaseChange decide(RecoveryCase recoveryCase, Policy policy, Instant now);
    }

    private final CaseStore store;
    private final CustomerLocks customers;
    private final PolicyCatalog policies;
    private final CaseChangeWriter writer;
    private final RecoveryMetrics metrics;
    private final Clock clock;

    CaseCommands(CaseStore store, CustomerLocks customers, PolicyCatalog policies, CaseChangeWriter writer,
                 RecoveryMetrics metrics, Clock clock) {
        this.store = store;
        this.customers = customers;
        this.policies = policies;
        this.writer = writer;
        this.metrics = metrics;
        this.clock = clock;
    }

    @WithTransaction
    public Uni<RecoveryCase> run(String caseId, Viewer viewer, Action action) {
        return store.customerOf(caseId)
                .map(customer -> customer.orElseThrow(() -> notFound(caseId)))
                .chain(customer -> customers.lock(RecoveryLifecycle.CONSUMER, List.of(customer)))
                .chain(() -> store.lockWithTimers(caseId))
                .map(found -> found.filter(c -> viewer.sees(c.team(), c.assignee())).orElseThrow(() -> notFound(caseId)))
                .chain(c -> {
                    // Taken once the locks are held, so that the change is stamped after whatever it waited for.
                    Instant now = clock.instant();
                    return policies.version(c.policyVersion())
                            .chain(policy -> writer.write(action.decide(c, policy, now), now));
                })
                .invoke(change -> metrics.count(change.events()))
                .map(CaseChange::recoveryCase);
    }

    /** For actions that do not need the policy. */
    public static Action simple(BiFunction<RecoveryCase, Instant, CaseChange> decision) {
        return (c, policy, now) -> decision.apply(c, now);
    }

    private static NotFoundException notFound(String caseId) {
        return new NotFoundException("No case " + caseId + " that you may see.");
    }
}
