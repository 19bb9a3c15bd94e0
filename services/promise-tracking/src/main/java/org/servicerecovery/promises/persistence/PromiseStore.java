package org.servicerecovery.promises.persistence;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import org.servicerecovery.events.CloudEvent;
import org.servicerecovery.events.CloudEvents;
import org.servicerecovery.events.crm.Channel;
import org.servicerecovery.events.crm.Tier;
import org.servicerecovery.promises.domain.HistoryEntry;
import org.servicerecovery.promises.domain.Promise;
import org.servicerecovery.promises.domain.PromiseState;
import org.servicerecovery.reliability.timers.Timers;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * Reads and writes promises inside the caller's transaction ({@code @WithTransaction} on the calling bean), a batch's
 * rows with one statement each, bound as arrays so that the statement text is the same whatever their number. No
 * entity enters the session: a polled batch shares one session, and each flush (also the one before every native
 * statement) walks every entity in it.
 */
@ApplicationScoped
public class PromiseStore {

    private final Timers timers;

    public PromiseStore(Timers timers) {
        this.timers = timers;
    }

    /** Who owns each of the commitments that exist; read without a lock: a promise never changes customer. */
    public Uni<Map<String, String>> customersOf(Collection<String> ids) {
        if (ids.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return Panache.getSession().chain(session -> session.createNativeQuery(
                        "SELECT id, customer_id FROM promise WHERE id = ANY(CAST(:ids AS text[]))", Object[].class)
                .setParameter("ids", ids.toArray(String[]::new))
                .getResultList())
                .map(rows -> rows.stream().collect(Collectors.toMap(row -> (String) row[0], row -> (String) row[1])));
    }

    /**
     * Locks promises for a change caused by inbound events. Their timers are held first ({@link Timers#lockOwners}),
     * the order the timer loop also follows (timers, then promise), so a firing timer and an inbound event for the
     * same promise wait for each other instead of deadlocking.
     */
    public Uni<Map<String, Promise>> lockWithTimers(Collection<String> ids) {
        if (ids.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return timers.lockOwners(ids)
                .chain(() -> lockAll(List.copyOf(ids)))
                .map(promises -> promises.stream().collect(Collectors.toMap(Promise::id, Function.identity())));
    }

    /**
     * Locks the promises whose timers fired together (the timer loop holds those timer rows), in id order so that two
     * batches never wait for each other crosswise. Promises that no longer exist are absent. Read as rows, not entities:
     * nothing of them stays in the session, and {@link #insertAll} and {@link #updateAll} write them as arrays.
     */
    public Uni<List<Promise>> lockAll(List<String> ids) {
        return Panache.getSession().chain(session -> session.createNativeQuery("SELECT " + COLUMNS
                        + " FROM promise WHERE id = ANY(CAST(:ids AS text[])) ORDER BY id FOR UPDATE", Object[].class)
                .setParameter("ids", ids.toArray(String[]::new))
                .getResultList())
                .map(rows -> rows.stream().map(PromiseStore::promise).toList());
    }

    /** New promises, in one statement. */
    public Uni<Void> insertAll(List<Promise> promises, Instant now) {
        if (promises.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return Panache.getSession().chain(session -> bind(session.createNativeQuery("""
                        INSERT INTO promise (id, customer_id, owner, team, channel, tier, description, made_at, due_at,
                                             state, fulfilled_at, missed_at, cancelled_at, updated_at)
                        SELECT id, customer_id, owner, team, channel, tier, description,""" + MICROS_TO_TIMESTAMPS + """
                        , :now FROM""" + UNNEST), promises)
                .setParameter("now", now)
                .executeUpdate())
                .replaceWithVoid();
    }

    /**
     * Promises locked in this transaction, as they are now, in one statement; rows that did not change are not written
     * (a deadline that found its promise already kept changes nothing, not even {@code updated_at}).
     */
    public Uni<Void> updateAll(List<Promise> promises, Instant now) {
        if (promises.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return Panache.getSession().chain(session -> bind(session.createNativeQuery("""
                        UPDATE promise p SET owner = u.owner, team = u.team, channel = u.channel, tier = u.tier,
                            description = u.description, made_at = u.made_at, due_at = u.due_at, state = u.state,
                            fulfilled_at = u.fulfilled_at, missed_at = u.missed_at, cancelled_at = u.cancelled_at,
                            updated_at = :now
                        FROM (SELECT id, owner, team, channel, tier, description,""" + MICROS_TO_TIMESTAMPS + """
                              FROM""" + UNNEST + """
                        ) AS u
                        WHERE p.id = u.id
                          AND (p.owner, p.team, p.channel, p.tier, p.description, p.made_at, p.due_at, p.state,
                               p.fulfilled_at, p.missed_at, p.cancelled_at)
                              IS DISTINCT FROM (u.owner, u.team, u.channel, u.tier, u.description, u.made_at, u.due_at,
                               u.state, u.fulfilled_at, u.missed_at, u.cancelled_at)"""), promises)
                .setParameter("now", now)
                .executeUpdate())
                .replaceWithVoid();
    }

    private static final String COLUMNS = "id, customer_id, owner, team, channel, tier, description, "
            + micros("made_at") + ", " + micros("due_at") + ", state, " + micros("fulfilled_at") + ", "
            + micros("missed_at") + ", " + micros("cancelled_at");

    // Instants travel as epoch microseconds: the driver binds a timestamp array only from a type Hibernate does not
    // convert first; NULL stays NULL.
    private static final String MICROS_TO_TIMESTAMPS = """
             TIMESTAMPTZ 'epoch' + m * INTERVAL '1 microsecond' AS made_at,
             TIMESTAMPTZ 'epoch' + d * INTERVAL '1 microsecond' AS due_at, state,
             TIMESTAMPTZ 'epoch' + f * INTERVAL '1 microsecond' AS fulfilled_at,
             TIMESTAMPTZ 'epoch' + x * INTERVAL '1 microsecond' AS missed_at,
             TIMESTAMPTZ 'epoch' + c * INTERVAL '1 microsecond' AS cancelled_at
            """;

    private static final String UNNEST = """
             unnest(CAST(:ids AS text[]), CAST(:customers AS text[]), CAST(:owners AS text[]), CAST(:teams AS text[]),
                    CAST(:channels AS text[]), CAST(:tiers AS text[]), CAST(:descriptions AS text[]),
                    CAST(:madeAt AS bigint[]), CAST(:dueAt AS bigint[]), CAST(:states AS text[]),
                    CAST(:fulfilledAt AS bigint[]), CAST(:missedAt AS bigint[]), CAST(:cancelledAt AS bigint[]))
                 AS r(id, customer_id, owner, team, channel, tier, description, m, d, state, f, x, c)
            """;

    private static <Q extends org.hibernate.reactive.mutiny.Mutiny.AbstractQuery> Q bind(Q query, List<Promise> promises) {
        query.setParameter("ids", column(promises, Promise::id));
        query.setParameter("customers", column(promises, Promise::customerId));
        query.setParameter("owners", column(promises, Promise::owner));
        query.setParameter("teams", column(promises, Promise::team));
        query.setParameter("channels", column(promises, promise -> name(promise.channel())));
        query.setParameter("tiers", column(promises, promise -> name(promise.tier())));
        query.setParameter("descriptions", column(promises, Promise::description));
        query.setParameter("madeAt", micros(promises, Promise::madeAt));
        query.setParameter("dueAt", micros(promises, Promise::dueAt));
        query.setParameter("states", column(promises, promise -> name(promise.state())));
        query.setParameter("fulfilledAt", micros(promises, Promise::fulfilledAt));
        query.setParameter("missedAt", micros(promises, Promise::missedAt));
        query.setParameter("cancelledAt", micros(promises, Promise::cancelledAt));
        return query;
    }

    private static String[] column(List<Promise> promises, Function<Promise, String> value) {
        return promises.stream().map(value).toArray(String[]::new);
    }

    /** Not {@code ChronoUnit.MICROS.between}, which goes through nanoseconds and overflows past the year 2262. */
    private static Long[] micros(List<Promise> promises, Function<Promise, Instant> value) {
        return promises.stream().map(value)
                .map(instant -> instant == null ? null
                        : Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1_000))
                .toArray(Long[]::new);
    }

    private static String micros(String column) {
        return "(extract(epoch FROM " + column + ") * 1000000)::bigint";
    }

    private static String name(Enum<?> value) {
        return value == null ? null : value.name();
    }

    private static Promise promise(Object[] row) {
        return new Promise((String) row[0], (String) row[1], (String) row[2], (String) row[3],
                Channel.valueOf((String) row[4]), Tier.valueOf((String) row[5]), (String) row[6], instant(row[7]),
                instant(row[8]), PromiseState.valueOf((String) row[9]), instant(row[10]), instant(row[11]),
                instant(row[12]));
    }

    private static Instant instant(Object micros) {
        return micros == null ? null : Instant.EPOCH.plus(((Number) micros).longValue(), ChronoUnit.MICROS);
    }

    /**
     * One multi-row insert for the history of many promises (a burst of deadlines). The rows travel as arrays, so the
     * statement text is the same whatever their number.
     */
    public Uni<Void> addHistory(List<Map.Entry<String, HistoryEntry>> entries) {
        if (entries.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        String[] promiseIds = entries.stream().map(Map.Entry::getKey).toArray(String[]::new);
        // Epoch microseconds: the driver coerces a timestamp array only from a type Hibernate does not convert first.
        Long[] ats = entries.stream().map(entry -> ChronoUnit.MICROS.between(Instant.EPOCH, entry.getValue().at()))
                .toArray(Long[]::new);
        String[] kinds = entries.stream().map(entry -> entry.getValue().kind()).toArray(String[]::new);
        String[] details = entries.stream().map(entry -> entry.getValue().detail()).toArray(String[]::new);
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                        INSERT INTO promise_history (promise_id, at, kind, detail)
                        SELECT p, to_timestamp(a / 1000000.0), k, d FROM unnest(CAST(:promiseIds AS text[]), CAST(:ats AS bigint[]),
                                                      CAST(:kinds AS text[]), CAST(:details AS text[])) AS h(p, a, k, d)""")
                .setParameter("promiseIds", promiseIds)
                .setParameter("ats", ats)
                .setParameter("kinds", kinds)
                .setParameter("details", details)
                .executeUpdate())
                .replaceWithVoid();
    }

    /** Events that arrived before their commitment.made (promise id → events in arrival order), in one statement. */
    public Uni<Void> keepEarly(Map<String, List<CloudEvent>> events, Instant now) {
        if (events.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<String> promiseIds = new ArrayList<>();
        List<String> structured = new ArrayList<>();
        events.forEach((promiseId, list) -> list.forEach(event -> {
            promiseIds.add(promiseId);
            structured.add(new String(CloudEvents.toStructuredJson(event), StandardCharsets.UTF_8));
        }));
        // Inserted in the arrays' order, so the identity ids keep each promise's arrival order.
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                        INSERT INTO early_event (promise_id, event, received_at)
                        SELECT p, e, :now FROM unnest(CAST(:promiseIds AS text[]), CAST(:events AS text[]))
                            WITH ORDINALITY AS k(p, e, n) ORDER BY n""")
                .setParameter("now", now)
                .setParameter("promiseIds", promiseIds.toArray(String[]::new))
                .setParameter("events", structured.toArray(String[]::new))
                .executeUpdate())
                .replaceWithVoid();
    }

    /** The events that waited for these promises, in arrival order per promise; they are removed as they are read. */
    public Uni<Map<String, List<CloudEvent>>> takeEarly(Collection<String> promiseIds) {
        if (promiseIds.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                        DELETE FROM early_event WHERE promise_id = ANY(CAST(:ids AS text[]))
                        RETURNING promise_id, id, event""", Object[].class)
                .setParameter("ids", promiseIds.toArray(String[]::new))
                .getResultList())
                .map(rows -> rows.stream()
                        .sorted(Comparator.comparingLong(row -> ((Number) row[1]).longValue()))
                        .collect(Collectors.groupingBy(row -> (String) row[0], LinkedHashMap::new,
                                Collectors.mapping(row -> CloudEvents.fromStructuredJson(
                                        ((String) row[2]).getBytes(StandardCharsets.UTF_8)), Collectors.toList()))));
    }

    /** The latest known tier of those of the customers that have one (standard for the others). */
    public Uni<Map<String, Tier>> tiersOf(Collection<String> customerIds) {
        if (customerIds.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return Panache.getSession().chain(session -> session.createNativeQuery(
                        "SELECT customer_id, tier FROM customer_tier WHERE customer_id = ANY(CAST(:customers AS text[]))",
                        Object[].class)
                .setParameter("customers", customerIds.toArray(String[]::new))
                .getResultList())
                .map(rows -> rows.stream().collect(Collectors.toMap(row -> (String) row[0],
                        row -> Tier.valueOf((String) row[1]))));
    }

    /** The customers' new tiers (one per customer), in one statement. */
    public Uni<Void> saveTiers(Map<String, Tier> tiers) {
        if (tiers.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                        INSERT INTO customer_tier (customer_id, tier)
                        SELECT c, t FROM unnest(CAST(:customers AS text[]), CAST(:tiers AS text[])) AS k(c, t)
                        ON CONFLICT (customer_id) DO UPDATE SET tier = excluded.tier""")
                .setParameter("customers", tiers.keySet().toArray(String[]::new))
                .setParameter("tiers", tiers.values().stream().map(Tier::name).toArray(String[]::new))
                .executeUpdate())
                .replaceWithVoid();
    }
}
