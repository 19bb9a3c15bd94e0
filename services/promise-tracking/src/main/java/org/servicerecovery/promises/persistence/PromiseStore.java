package org.servicerecovery.promises.persistence;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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

    /**
     * Locks the customer's promise for a change caused by an inbound event; empty when the promise does not exist or
     * belongs to another customer. Its timers are held first ({@link Timers#lockOwners}), the order the timer loop
     * also follows (timers, then promise), so a firing timer and an inbound event for the same promise wait for each
     * other instead of deadlocking.
     */
    public Uni<Optional<Promise>> lockWithTimers(String id, String customerId) {
        return timers.lockOwners(List.of(id))
                .chain(() -> PromiseEntity.<PromiseEntity>find("id = ?1 and customerId = ?2", id, customerId)
                        .withLock(LockModeType.PESSIMISTIC_WRITE)
                        .<PromiseEntity>firstResult())
                .map(entity -> Optional.ofNullable(entity).map(PromiseEntity::toDomain));
    }

    /** Locks the promise alone: for a second commitment.made of a promise of the caller's customer. */
    public Uni<Optional<Promise>> lock(String id) {
        return PromiseEntity.<PromiseEntity>findById(id, LockModeType.PESSIMISTIC_WRITE)
                .map(entity -> Optional.ofNullable(entity).map(PromiseEntity::toDomain));
    }

    /** The customer a promise belongs to, read without a lock: it is set when the promise is made and never changes. */
    public Uni<Optional<String>> customerOf(String id) {
        return Panache.getSession().chain(session -> session.createNativeQuery(
                        "SELECT customer_id FROM promise WHERE id = :id", String.class)
                .setParameter("id", id)
                .getResultList())
                .map(rows -> rows.stream().findFirst());
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

    /** Written at once: a later event of the same polled batch may lock the promise with a native query. */
    public Uni<Void> insert(Promise promise, Instant now) {
        PromiseEntity entity = new PromiseEntity();
        entity.copy(promise, now);
        return entity.persistAndFlush().chain(() -> detach(List.of(entity)));
    }

    /**
     * The promises were loaded by one of the lock methods in this session, so their entities are found without a query
     * and the changed rows are flushed as one batch. One step for all of them: chaining a step per promise would nest
     * as deeply as the batch is long, since each completes at once.
     */
    public Uni<Void> updateAll(List<Promise> promises, Instant now) {
        Map<String, Promise> byId = promises.stream().collect(Collectors.toMap(Promise::id, Function.identity()));
        return Panache.getSession()
                .chain(session -> session.find(PromiseEntity.class, byId.keySet().toArray())
                        .invoke(entities -> entities.forEach(entity -> entity.copy(byId.get(entity.id), now)))
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

    public Uni<Void> keepEarly(String promiseId, CloudEvent event, Instant now) {
        EarlyEventEntity row = new EarlyEventEntity();
        row.promiseId = promiseId;
        row.event = new String(CloudEvents.toStructuredJson(event), StandardCharsets.UTF_8);
        row.receivedAt = now;
        return row.persistAndFlush().chain(() -> detach(List.of(row)));
    }

    /** The events that waited for this promise, in arrival order; they are removed as they are handed out. */
    public Uni<List<CloudEvent>> takeEarly(String promiseId) {
        return EarlyEventEntity.<EarlyEventEntity>list("promiseId = ?1 order by id", promiseId)
                .call(this::detach)
                .call(rows -> rows.isEmpty()
                        ? Uni.createFrom().voidItem()
                        : EarlyEventEntity.delete("promiseId", promiseId))
                .map(rows -> rows.stream()
                        .map(row -> CloudEvents.fromStructuredJson(row.event.getBytes(StandardCharsets.UTF_8)))
                        .toList());
    }

    /** The customer's latest known tier; standard until a customer.upserted says otherwise. */
    public Uni<Tier> tierOf(String customerId) {
        return CustomerTierEntity.<CustomerTierEntity>findById(customerId)
                .call(row -> row == null ? Uni.createFrom().voidItem() : detach(List.of(row)))
                .map(row -> row == null ? Tier.STANDARD : row.tier);
    }

    public Uni<Void> saveTier(String customerId, Tier tier) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                        INSERT INTO customer_tier (customer_id, tier) VALUES (:customer, :tier)
                        ON CONFLICT (customer_id) DO UPDATE SET tier = excluded.tier""")
                .setParameter("customer", customerId)
                .setParameter("tier", tier.name())
                .executeUpdate())
                .replaceWithVoid();
    }
}
