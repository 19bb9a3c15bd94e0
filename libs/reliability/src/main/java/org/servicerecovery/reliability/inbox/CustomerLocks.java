package org.servicerecovery.reliability.inbox;

import java.util.Collection;

import jakarta.enterprise.context.ApplicationScoped;

import org.servicerecovery.reliability.InTransaction;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

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
     * The one statement every caller runs, through Hibernate or the reactive client: the keys must be the same for both.
     * The placeholders are the scope and the customer ids.
     */
    private static final String LOCK_IN_KEY_ORDER = """
            SELECT count(pg_advisory_xact_lock(k))::int FROM (
                SELECT DISTINCT hashtextextended(%1$s || ':' || c, 0) AS k
                FROM unnest(CAST(%2$s AS text[])) AS c ORDER BY k) AS keys""";

    /**
     * Holds the customers until the caller's transaction ends. {@code scope} keeps services apart (advisory locks are
     * database-wide and the services share one database); use the same scope wherever the same customers' state is
     * changed.
     */
    public Uni<Void> lock(String scope, Collection<String> customerIds) {
        if (customerIds.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return InTransaction.session("CustomerLocks.lock").chain(session -> session.createNativeQuery(
                        LOCK_IN_KEY_ORDER.formatted(":scope", ":customers"), Integer.class)
                .setParameter("scope", scope)
                .setParameter("customers", customerIds.toArray(String[]::new))
                .getSingleResult())
                .replaceWithVoid();
    }

    /**
     * The same locks, held until {@code transaction} (a reactive client's connection in a transaction of its own) ends:
     * for work that runs several transactions at once, outside Hibernate's one session per context.
     */
    public Uni<Void> lock(SqlConnection transaction, String scope, Collection<String> customerIds) {
        if (customerIds.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return transaction.preparedQuery(LOCK_IN_KEY_ORDER.formatted("$1", "$2"))
                .execute(Tuple.of(scope, customerIds.toArray(String[]::new)))
                .replaceWithVoid();
    }
}
