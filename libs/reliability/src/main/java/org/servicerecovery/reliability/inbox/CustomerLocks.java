package org.servicerecovery.reliability.inbox;

import java.util.Collection;

import jakarta.enterprise.context.ApplicationScoped;

import org.servicerecovery.reliability.InTransaction;

import io.smallrye.mutiny.Uni;

/**
 * Serialises the work on one customer across consumers, replicas and REST calls: a customer's events arrive on several
 * topics, possibly at different replicas, and two transactions that each see only their own change would store a
 * result missing the other's. Every transaction takes all its customers' locks in one statement, in the order of the
 * lock keys, so two transactions holding overlapping customers wait for each other instead of deadlocking. The locks
 * are transaction-scoped advisory locks: released by the commit or rollback, never left behind in a pooled session.
 */
@ApplicationScoped
public class CustomerLocks {

    /**
     * Holds the customers until the caller's transaction ends. {@code scope} keeps services apart (advisory locks are
     * database-wide and the services share one database); use the same scope wherever the same customers' state is
     * changed.
     */
    public Uni<Void> lock(String scope, Collection<String> customerIds) {
        if (customerIds.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return InTransaction.session("CustomerLocks.lock").chain(session -> session.createNativeQuery("""
                        SELECT count(pg_advisory_xact_lock(k))::int FROM (
                            SELECT DISTINCT hashtextextended(:scope || ':' || c, 0) AS k
                            FROM unnest(CAST(:customers AS text[])) AS c ORDER BY k) AS keys""", Integer.class)
                .setParameter("scope", scope)
                .setParameter("customers", customerIds.toArray(String[]::new))
                .getSingleResult())
                .replaceWithVoid();
    }
}
