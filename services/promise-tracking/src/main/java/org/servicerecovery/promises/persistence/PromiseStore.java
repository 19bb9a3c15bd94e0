package org.servicerecovery.promises.persistence;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import org.servicerecovery.events.CloudEvent;
import org.servicerecovery.events.CloudEvents;
import org.servicerecovery.events.crm.Tier;
import org.servicerecovery.promises.domain.HistoryEntry;
import org.servicerecovery.promises.domain.Promise;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/** Reads and writes promises inside the caller's transaction ({@code @WithTransaction} on the calling bean). */
@ApplicationScoped
public class PromiseStore {

    /**
     * Locks the promise for a change caused by an inbound event. Its timer rows are locked first, in the order the
     * timer loop also follows (timer, then promise), so a firing timer and an inbound event for the same promise
     * wait for each other instead of deadlocking.
     */
    public Uni<Optional<Promise>> lockWithTimers(String id) {
        return Panache.getSession().chain(session -> session.createNativeQuery(
                        "SELECT id FROM timer WHERE owner_id = :id AND kind IN (:kinds) ORDER BY id FOR UPDATE")
                .setParameter("id", id)
                .setParameter("kinds", List.of(PromiseTimers.DUE, PromiseTimers.AT_RISK))
                .getResultList())
                .chain(() -> lock(id));
    }

    /** Locks the promise alone: for a timer that fired (the timer loop already holds its row) or a new commitment. */
    public Uni<Optional<Promise>> lock(String id) {
        return PromiseEntity.<PromiseEntity>findById(id, LockModeType.PESSIMISTIC_WRITE)
                .map(entity -> Optional.ofNullable(entity).map(PromiseEntity::toDomain));
    }

    public Uni<Void> insert(Promise promise, Instant now) {
        PromiseEntity entity = new PromiseEntity();
        entity.copy(promise, now);
        return entity.persist().replaceWithVoid();
    }

    /** The promise was loaded by one of the lock methods in this session, so this finds it without a query. */
    public Uni<Void> update(Promise promise, Instant now) {
        return PromiseEntity.<PromiseEntity>findById(promise.id())
                .invoke(entity -> entity.copy(promise, now))
                .replaceWithVoid();
    }

    public Uni<Void> addHistory(String promiseId, List<HistoryEntry> entries) {
        if (entries.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return HistoryEntity.persist(entries.stream().map(entry -> {
            HistoryEntity row = new HistoryEntity();
            row.promiseId = promiseId;
            row.at = entry.at();
            row.kind = entry.kind();
            row.detail = entry.detail();
            return row;
        })).replaceWithVoid();
    }

    public Uni<Void> keepEarly(String promiseId, CloudEvent event, Instant now) {
        EarlyEventEntity row = new EarlyEventEntity();
        row.promiseId = promiseId;
        row.event = new String(CloudEvents.toStructuredJson(event), StandardCharsets.UTF_8);
        row.receivedAt = now;
        return row.persist().replaceWithVoid();
    }

    /** The events that waited for this promise, in arrival order; they are removed as they are handed out. */
    public Uni<List<CloudEvent>> takeEarly(String promiseId) {
        return EarlyEventEntity.<EarlyEventEntity>list("promiseId = ?1 order by id", promiseId)
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
