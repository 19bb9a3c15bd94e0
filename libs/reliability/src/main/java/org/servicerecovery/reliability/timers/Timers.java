package org.servicerecovery.reliability.timers;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.List;

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

    /** One timer of {@link #scheduleAll}. */
    public record Schedule(String id, String kind, String ownerId, Instant dueAt, String payload) {
    }

    /**
     * {@link #schedule} for many timers with one statement, for a consumer that applies hundreds of events per
     * transaction. The ids must be distinct. The rows travel as arrays, so the statement text is the same for every
     * number of timers.
     */
    public Uni<Void> scheduleAll(List<Schedule> timers) {
        if (timers.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        // Epoch microseconds: the driver coerces a timestamp array only from a type Hibernate does not convert first.
        // (Not ChronoUnit.MICROS.between, which goes through nanoseconds and overflows past the year 2262.)
        Long[] dues = timers.stream()
                .map(timer -> Math.addExact(Math.multiplyExact(timer.dueAt().getEpochSecond(), 1_000_000L),
                        timer.dueAt().getNano() / 1_000L))
                .toArray(Long[]::new);
        return InTransaction.session("Timers").chain(session -> session.createNativeQuery("""
                        INSERT INTO timer (id, kind, owner_id, due_at, payload)
                        SELECT i, k, o, TIMESTAMPTZ 'epoch' + d * INTERVAL '1 microsecond', p
                        FROM unnest(CAST(:ids AS text[]), CAST(:kinds AS text[]), CAST(:owners AS text[]),
                                    CAST(:dues AS bigint[]), CAST(:payloads AS text[])) AS t(i, k, o, d, p)
                        ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, owner_id = excluded.owner_id,
                            due_at = excluded.due_at, payload = excluded.payload,
                            attempts = 0, last_error = NULL, parked = FALSE""")
                .setParameter("ids", timers.stream().map(Schedule::id).toArray(String[]::new))
                .setParameter("kinds", timers.stream().map(Schedule::kind).toArray(String[]::new))
                .setParameter("owners", timers.stream().map(Schedule::ownerId).toArray(String[]::new))
                .setParameter("dues", dues)
                .setParameter("payloads", timers.stream().map(Schedule::payload).toArray(String[]::new))
                .executeUpdate())
                .replaceWithVoid();
    }

    /** {@link #cancel} for many timers with one statement; how many were cancelled. */
    public Uni<Integer> cancel(Collection<String> ids) {
        if (ids.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        return InTransaction.session("Timers").chain(session -> session.createNativeQuery(
                        "DELETE FROM timer WHERE id = ANY(CAST(:ids AS text[]))")
                .setParameter("ids", ids.toArray(String[]::new))
                .executeUpdate());
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
