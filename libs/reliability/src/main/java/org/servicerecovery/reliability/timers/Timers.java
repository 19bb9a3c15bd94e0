package org.servicerecovery.reliability.timers;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import org.servicerecovery.reliability.InTransaction;

import io.smallrye.mutiny.Uni;

/**
 * Schedules, moves and cancels durable timers in the caller's transaction, so a timer exists exactly when the business
 * change that needs it committed. Must be called inside {@code @WithTransaction}.
 */
@ApplicationScoped
public class Timers {

    private final String ownerLockSpace;

    public Timers(@ConfigProperty(name = "service.schema") String schema) {
        this.ownerLockSpace = ownerLockSpace(schema);
    }

    /** The first key of the owners' advisory locks: the service's own, since the services share one database. */
    static String ownerLockSpace(String schema) {
        return schema + "-timer-owner";
    }

    /**
     * Holds the owners' timers until the transaction ends, for a change to the owners that may move or cancel them:
     * no firing transaction claims a timer of a held owner ({@link TimerFiring} claims a timer only with its owner's
     * lock), and this waits for one that already did. Takes the owners in one statement, in key order, so two callers
     * holding overlapping owners wait for each other instead of deadlocking. Call after the customer locks and before
     * locking the owners' own rows.
     */
    public Uni<Void> lockOwners(Collection<String> ownerIds) {
        if (ownerIds.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return InTransaction.session("Timers").chain(session -> session.createNativeQuery("""
                        SELECT count(pg_advisory_xact_lock(hashtext(:space), k))::int FROM (
                            SELECT DISTINCT hashtext(o) AS k FROM unnest(CAST(:owners AS text[])) AS o ORDER BY k) AS keys""",
                        Integer.class)
                .setParameter("space", ownerLockSpace)
                .setParameter("owners", ownerIds.toArray(String[]::new))
                .getSingleResult())
                .replaceWithVoid();
    }

    /** Creates the timer, or moves it (and resets its attempts) if one with this id exists. */
    public Uni<Void> schedule(String id, String kind, String ownerId, Instant dueAt, String payload) {
        return InTransaction.session("Timers").chain(session -> session.createNativeQuery("""
                        INSERT INTO timer (id, kind, owner_id, due_at, payload) VALUES (:id, :kind, :owner, :due, :payload)
                        ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, owner_id = excluded.owner_id,
                            due_at = excluded.due_at, payload = excluded.payload,
                            attempts = 0, last_error = NULL, parked = FALSE""")
                .setParameter("id", id)
                .setParameter("kind", kind)
                .setParameter("owner", ownerId)
                .setParameter("due", OffsetDateTime.ofInstant(dueAt, ZoneOffset.UTC))
                .setParameter("payload", payload)
                .executeUpdate())
                .replaceWithVoid();
    }

    /** True if a timer was cancelled; false if it had already fired or never existed. */
    public Uni<Boolean> cancel(String id) {
        return InTransaction.session("Timers").chain(session -> session.createNativeQuery("DELETE FROM timer WHERE id = :id")
                .setParameter("id", id)
                .executeUpdate())
                .map(deleted -> deleted > 0);
    }

    /** Cancels every timer of {@code kind} owned by {@code ownerId}; returns how many. */
    public Uni<Integer> cancelAll(String kind, String ownerId) {
        return InTransaction.session("Timers").chain(session -> session.createNativeQuery(
                        "DELETE FROM timer WHERE kind = :kind AND owner_id = :owner")
                .setParameter("kind", kind)
                .setParameter("owner", ownerId)
                .executeUpdate());
    }
}
