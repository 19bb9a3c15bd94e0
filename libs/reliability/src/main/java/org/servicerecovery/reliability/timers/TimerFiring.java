package org.servicerecovery.reliability.timers;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.hibernate.reactive.mutiny.Mutiny;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import org.servicerecovery.reliability.InOrder;
import org.servicerecovery.reliability.watermark.WatermarkGate;

/**
 * One transaction per batch: claim due timers together with their owners (no two transactions, lanes or replicas, ever
 * fire the same timer or timers of the same owner), delete them and run their handlers. The deletes, the handlers'
 * writes and their outbox events commit together.
 */
@ApplicationScoped
public class TimerFiring {

    /** Raised when a handler fails, naming the timer so that only it is retried later. */
    public static final class HandlerFailed extends RuntimeException {
        private final Timer timer;

        HandlerFailed(Timer timer, Throwable cause) {
            super("timer " + timer.id() + " (" + timer.kind() + ") failed: " + cause, cause);
            this.timer = timer;
        }

        public Timer timer() {
            return timer;
        }
    }

    /** Raised when a handler failed on several timers fired together: which one caused it is found one by one. */
    public static final class BatchFailed extends RuntimeException {
        BatchFailed(String kind, int count, Throwable cause) {
            super(count + " timers of kind " + kind + " failed together: " + cause, cause);
        }
    }

    /** How many batches' worth of due timers a claim looks through for owners no other transaction holds. */
    private static final int CLAIM_WINDOW = 10;

    private final Map<String, TimerHandler> handlers;
    private final String ownerLockSpace;
    private final String claimSql;

    public TimerFiring(Instance<TimerHandler> handlers, WatermarkGate gate,
                       @ConfigProperty(name = "service.schema") String schema) {
        this.handlers = handlers.stream().collect(Collectors.toMap(TimerHandler::kind, Function.identity()));
        this.ownerLockSpace = Timers.ownerLockSpace(schema);
        this.claimSql = """
                DELETE FROM timer WHERE id = ANY(ARRAY(
                    SELECT id FROM timer WHERE id = ANY(ARRAY(
                        SELECT id FROM (
                            SELECT id, owner_id FROM timer WHERE NOT parked AND due_at <= :now AND %1$s
                            ORDER BY due_at LIMIT :window) AS due
                        WHERE pg_try_advisory_xact_lock(hashtext(:space), hashtext(owner_id))
                        LIMIT :limit))
                    AND NOT parked AND due_at <= :now AND %1$s
                    FOR UPDATE SKIP LOCKED))
                RETURNING id, kind, owner_id, (extract(epoch FROM due_at) * 1000000)::bigint, payload, attempts"""
                .formatted(gate.readySql());
    }

    /** The kinds this service fires, so that their counters exist from the start. */
    public Set<String> kinds() {
        return new TreeSet<>(handlers.keySet());
    }

    /**
     * With {@code together}, each handler receives all its due timers of the batch at once; without, one at a time,
     * so that a failure names its timer.
     */
    @WithTransaction
    public Uni<List<Timer>> fireDue(Instant now, int limit, boolean together) {
        return Panache.getSession().chain(session -> claimAndDeleteDue(session, now, limit)
                .chain(timers -> (together ? fireByKind(timers) : fireOneByOne(timers)).replaceWith(timers)));
    }

    /** Backs off exponentially (1 s, 2 s, 4 s … at most 5 min); after {@code maxAttempts} the timer is parked. */
    @WithTransaction
    public Uni<Boolean> recordFailure(Timer timer, Throwable cause, Instant now, int maxAttempts) {
        int attempts = timer.attempts() + 1;
        boolean park = attempts >= maxAttempts;
        Duration backoff = Duration.ofSeconds(Math.min(300, 1L << Math.min(attempts - 1, 9)));
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                        UPDATE timer SET attempts = :attempts, last_error = :error, parked = :park,
                            due_at = CASE WHEN :park THEN due_at ELSE :retryAt END
                        WHERE id = :id""")
                .setParameter("attempts", attempts)
                .setParameter("error", String.valueOf(cause.getCause() != null ? cause.getCause() : cause))
                .setParameter("park", park)
                .setParameter("retryAt", OffsetDateTime.ofInstant(now.plus(backoff), ZoneOffset.UTC))
                .setParameter("id", timer.id())
                .executeUpdate())
                .replaceWith(park);
    }

    /**
     * Claims and deletes in one statement; a handler's failure rolls the delete back with everything else. Deleting
     * before the handlers run also lets a handler schedule a timer with the same id (a recurring reminder).
     * <p>
     * A timer is claimed only together with its owner: the transaction first takes the owner's advisory lock with
     * {@code pg_try_advisory_xact_lock}, and only then locks the timer row ({@code FOR UPDATE SKIP LOCKED}). So no two
     * firing transactions (lanes or replicas) ever hold timers of the same owner: their handlers lock disjoint owner
     * rows, and a handler that cancels or moves a sibling timer of its owner never waits for another lane that claimed
     * it. The owner locks are only ever tried, never waited for, so they add no edge a deadlock could run through;
     * a timer whose owner another transaction holds stays due for the next batch. They live in the two-key advisory
     * space (schema, owner), apart from the single-key locks consumers take per customer.
     * <p>
     * The owner locks are tried on a bounded window of the earliest due timers, in due order, stopping at
     * {@code limit} timers claimed: PostgreSQL neither pushes a volatile condition into a subquery nor past its
     * {@code LIMIT}, so no owner beyond the batch is locked. The window reaches past what the other lanes and replicas
     * have in flight.
     * {@code = ANY(ARRAY(...))} rather than {@code IN (...)}: the prepared statement's generic plan for {@code IN} is a
     * hash join over a sequential scan of every pending timer (120 ms with a million pending); this form always looks
     * the claimed ids up by primary key.
     * <p>
     * A timer that awaits the input watermark is claimed only once the watermark passed its due time plus the grace,
     * compared in this statement ({@link WatermarkGate#readySql()}), so the claim always sees a watermark as
     * committed.
     */
    private Uni<List<Timer>> claimAndDeleteDue(Mutiny.Session session, Instant now, int limit) {
        return session.createNativeQuery(claimSql, Object[].class)
                .setParameter("now", OffsetDateTime.ofInstant(now, ZoneOffset.UTC))
                .setParameter("window", limit * CLAIM_WINDOW)
                .setParameter("space", ownerLockSpace)
                .setParameter("limit", limit)
                .getResultList()
                .map(rows -> rows.stream().map(TimerFiring::toTimer)
                        .sorted(java.util.Comparator.comparing(Timer::dueAt)).toList());
    }

    /** Kinds in the order of their first due timer; within a kind, due order. */
    private Uni<Void> fireByKind(List<Timer> timers) {
        Map<String, List<Timer>> byKind = timers.stream()
                .collect(Collectors.groupingBy(Timer::kind, LinkedHashMap::new, Collectors.toList()));
        return InOrder.forEach(List.copyOf(byKind.values()), ofKind -> ofKind.size() == 1
                ? fire(ofKind.get(0))
                : handle(ofKind.get(0).kind(), ofKind)
                        .onFailure().transform(cause -> new BatchFailed(ofKind.get(0).kind(), ofKind.size(), cause)));
    }

    private Uni<Void> fireOneByOne(List<Timer> timers) {
        return InOrder.forEach(timers, this::fire);
    }

    private Uni<Void> fire(Timer timer) {
        return handle(timer.kind(), List.of(timer)).onFailure().transform(cause -> new HandlerFailed(timer, cause));
    }

    private Uni<Void> handle(String kind, List<Timer> timers) {
        TimerHandler handler = handlers.get(kind);
        return handler == null
                ? Uni.createFrom().failure(new IllegalStateException("no handler for timer kind " + kind))
                : Uni.createFrom().deferred(() -> handler.onFireAll(timers));
    }

    private static Timer toTimer(Object[] row) {
        long micros = ((Number) row[3]).longValue();
        Instant due = Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L);
        return new Timer((String) row[0], (String) row[1], (String) row[2], due, (String) row[4], ((Number) row[5]).intValue());
    }
}
