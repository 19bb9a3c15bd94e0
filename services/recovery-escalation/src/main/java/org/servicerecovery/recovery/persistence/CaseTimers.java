package org.servicerecovery.recovery.persistence;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;

import org.servicerecovery.recovery.domain.TimerOp;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * A case's three durable timers (warning, deadline, next escalation rung). Their ids derive from the case id, so
 * setting one again moves it; the owner is the case id and the payload names the step, which is all a handler needs.
 * Written with the semantics of the reliability library's {@code Timers} (schedule = create or move and reset
 * attempts; cancel = delete), but many at once: one statement for the set timers and one for the cancelled ones.
 */
@ApplicationScoped
public class CaseTimers {

    /** An operation on a timer of case {@code caseId}. */
    public record Op(String caseId, TimerOp op) {
        String timerId() {
            return op.kind().id() + ":" + caseId;
        }
    }

    public Uni<Void> apply(List<Op> ops) {
        // The last operation on a timer decides its final state; ordering by id makes the row locks deterministic.
        Map<String, Op> last = new TreeMap<>();
        ops.forEach(op -> last.put(op.timerId(), op));
        List<String> cancelled = new ArrayList<>();
        List<Op> set = new ArrayList<>();
        last.forEach((id, op) -> {
            if (op.op().at() == null) {
                cancelled.add(id);
            } else {
                set.add(op);
            }
        });
        return cancel(cancelled).chain(() -> schedule(set));
    }

    private static Uni<Void> cancel(List<String> ids) {
        if (ids.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return Panache.getSession().chain(session -> session.createNativeQuery(
                        "DELETE FROM timer WHERE id = ANY(CAST(:ids AS text[]))")
                .setParameter("ids", ids.toArray(String[]::new))
                .executeUpdate())
                .replaceWithVoid();
    }

    private static Uni<Void> schedule(List<Op> ops) {
        if (ops.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        int size = ops.size();
        String[] ids = new String[size];
        String[] kinds = new String[size];
        String[] owners = new String[size];
        String[] dues = new String[size];
        String[] payloads = new String[size];
        for (int i = 0; i < size; i++) {
            Op op = ops.get(i);
            ids[i] = op.timerId();
            kinds[i] = op.op().kind().id();
            owners[i] = op.caseId();
            dues[i] = timestamp(op.op().at());
            payloads[i] = op.op().payload();
        }
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                        INSERT INTO timer (id, kind, owner_id, due_at, payload)
                        SELECT i, k, o, CAST(d AS timestamptz), p
                        FROM unnest(CAST(:ids AS text[]), CAST(:kinds AS text[]), CAST(:owners AS text[]),
                                    CAST(:dues AS text[]), CAST(:payloads AS text[])) AS t(i, k, o, d, p)
                        ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, owner_id = excluded.owner_id,
                            due_at = excluded.due_at, payload = excluded.payload,
                            attempts = 0, last_error = NULL, parked = FALSE""")
                .setParameter("ids", ids)
                .setParameter("kinds", kinds)
                .setParameter("owners", owners)
                .setParameter("dues", dues)
                .setParameter("payloads", payloads)
                .executeUpdate())
                .replaceWithVoid();
    }

    /**
     * ISO-8601 with its offset (Z), which PostgreSQL reads exactly whatever the session's time zone. Truncated to the
     * microseconds PostgreSQL keeps: it would round the text up, while the timer loop's "now" is bound truncated, and a
     * timer due at 10:00:00.0000006 would not be due at that very instant.
     */
    static String timestamp(Instant instant) {
        return instant.truncatedTo(ChronoUnit.MICROS).toString();
    }
}
