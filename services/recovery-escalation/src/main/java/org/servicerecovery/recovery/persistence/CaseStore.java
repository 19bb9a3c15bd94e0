package org.servicerecovery.recovery.persistence;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import org.servicerecovery.events.crm.CustomerUpserted;
import org.servicerecovery.recovery.domain.Customer;
import org.servicerecovery.recovery.domain.RecoveryCase;
import org.servicerecovery.recovery.domain.TimelineEntry;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/** Reads and writes cases inside the caller's transaction ({@code @WithTransaction} on the calling bean). */
@ApplicationScoped
public class CaseStore {

    /**
     * Serialises the failures of one customer: a complaint (intake.events) and a missed promise (promise.events) for
     * the same customer arrive on different topics, and both must see each other's case to attach or count a repeat.
     */
    public Uni<Void> lockCustomer(String customerId) {
        return Panache.getSession().chain(session -> session.createNativeQuery(
                        "SELECT pg_advisory_xact_lock(hashtext('recovery-customer:' || :customer))")
                .setParameter("customer", customerId)
                .getResultList())
                .replaceWithVoid();
    }

    /** The customer's most recent case, locked. */
    public Uni<Optional<RecoveryCase>> latestOf(String customerId) {
        return CaseEntity.<CaseEntity>find("customerId = ?1 order by openedAt desc", customerId)
                .withLock(LockModeType.PESSIMISTIC_WRITE).firstResult()
                .map(entity -> Optional.ofNullable(entity).map(CaseEntity::toDomain));
    }

    /**
     * Locks the case for a change caused by an agent or an inbound event. Its timer rows are locked first, in the
     * order the timer loop also follows (timer, then case), so a firing timer and an action wait for each other
     * instead of deadlocking.
     */
    public Uni<Optional<RecoveryCase>> lockWithTimers(String id) {
        return Panache.getSession().chain(session -> session.createNativeQuery(
                        "SELECT id FROM timer WHERE owner_id = :id AND kind LIKE 'recovery.%' ORDER BY id FOR UPDATE")
                .setParameter("id", id)
                .getResultList())
                .chain(() -> lock(id));
    }

    /** Locks the case alone: for a timer that fired (the timer loop already holds its row). */
    public Uni<Optional<RecoveryCase>> lock(String id) {
        return CaseEntity.<CaseEntity>findById(id, LockModeType.PESSIMISTIC_WRITE)
                .map(entity -> Optional.ofNullable(entity).map(CaseEntity::toDomain));
    }

    public Uni<Void> insert(RecoveryCase recoveryCase, Instant now) {
        CaseEntity entity = new CaseEntity();
        entity.copy(recoveryCase, now);
        return entity.persist().replaceWithVoid();
    }

    /** The case was loaded by one of the lock methods in this session, so this finds it without a query. */
    public Uni<Void> update(RecoveryCase recoveryCase, Instant now) {
        return CaseEntity.<CaseEntity>findById(recoveryCase.id())
                .invoke(entity -> entity.copy(recoveryCase, now))
                .replaceWithVoid();
    }

    public Uni<Void> addTimeline(String caseId, List<TimelineEntry> entries) {
        if (entries.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return TimelineEntity.persist(entries.stream().map(entry -> {
            TimelineEntity row = new TimelineEntity();
            row.caseId = caseId;
            row.at = entry.at();
            row.type = entry.type();
            row.actor = entry.actor();
            row.detail = entry.detail();
            return row;
        })).replaceWithVoid();
    }

    public Uni<Customer> customer(String customerId) {
        return CustomerEntity.<CustomerEntity>findById(customerId)
                .map(row -> row == null ? Customer.unknown(customerId) : row.toDomain());
    }

    public Uni<Void> saveCustomer(CustomerUpserted customer) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                        INSERT INTO customer (customer_id, name, tier, locale, timezone, channel, account_team)
                        VALUES (:id, :name, :tier, :locale, :timezone, :channel, :team)
                        ON CONFLICT (customer_id) DO UPDATE SET name = excluded.name, tier = excluded.tier,
                            locale = excluded.locale, timezone = excluded.timezone, channel = excluded.channel,
                            account_team = excluded.account_team""")
                .setParameter("id", customer.customerId())
                .setParameter("name", customer.name())
                .setParameter("tier", customer.tier().name())
                .setParameter("locale", customer.locale())
                .setParameter("timezone", customer.timezone())
                .setParameter("channel", customer.preferredChannel().name())
                .setParameter("team", customer.accountTeam())
                .executeUpdate())
                .replaceWithVoid();
    }
}
