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
import jakarta.persistence.LockModeType;

import org.servicerecovery.events.CloudEvent;
import org.servicerecovery.events.CloudEvents;
import org.servicerecovery.events.crm.Tier;
import org.servicerecovery.promises.domain.HistoryEntry;
import org.servicerecovery.promises.domain.Promise;
import org.servicerecovery.reliability.timers.Timers;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * Reads and writes promises inside the caller's transaction ({@code @WithTransaction} on the calling bean). What it
 * writes goes to the database at once and leaves the session: a polled batch shares one session, and each flush (also
 * the one before every native statement) walks every entity in it, so entities kept for the whole batch would make
 * the batch cost grow with the square of its size.
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
     * same promise wait for each other instead of deadlocking. The entities stay in the session until
     * {@link #updateAll} writes them.
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
     * batches never wait for each other crosswise. Promises that no longer exist are absent.
     */
    public Uni<List<Promise>> lockAll(List<String> ids) {
        return PromiseEntity.<PromiseEntity>find("id in ?1 order by id", ids)
                .withLock(LockModeType.PESSIMISTIC_WRITE)
                .list()
                .map(entities -> entities.stream().map(PromiseEntity::toDomain).toList());
    }

    /** New promises, in one batch of inserts. */
    public Uni<Void> insertAll(List<Promise> promises, Instant now) {
        if (promises.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<PromiseEntity> entities = promises.stream().map(promise -> {
            PromiseEntity entity = new PromiseEntity();
            entity.copy(promise, now);
            return entity;
        }).toList();
        return Panache.getSession()
                .chain(session -> session.persistAll(entities.toArray()).call(session::flush))
                .chain(() -> detach(entities));
    }

    /**
     * The promises were loaded by one of the lock methods in this session, so their entities are found without a query;
     * the rows that changed are flushed as one batch, and all leave the session. One step for all of them: chaining a step per promise would nest
     * as deeply as the batch is long, since each completes at once.
     */
    public Uni<Void> updateAll(List<Promise> promises, Instant now) {
        Map<String, Promise> byId = promises.stream().collect(Collectors.toMap(Promise::id, Function.identity()));
        return Panache.getSession()
                .chain(session -> session.find(PromiseEntity.class, byId.keySet().toArray())
                        .invoke(entities -> entities.forEach(entity -> {
                            Promise promise = byId.get(entity.id);
                            if (!entity.toDomain().equals(promise)) {
                                entity.copy(promise, now);
                            }
                        }))
                        .call(session::flush)
                        .chain(this::detach));
    }

    /** Written entities leave the session (see the class comment); a later read in the batch finds their rows. */
    private Uni<Void> detach(List<?> entities) {
        return Panache.getSession().invoke(session -> entities.forEach(session::detach)).replaceWithVoid();
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
