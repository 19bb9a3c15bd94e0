package org.servicerecovery.recovery.persistence;

import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import org.servicerecovery.events.crm.ContactChannel;
import org.servicerecovery.events.crm.CustomerUpserted;
import org.servicerecovery.events.crm.Tier;
import org.servicerecovery.events.domain.RecoveryTrigger;
import org.servicerecovery.recovery.domain.Customer;
import org.servicerecovery.recovery.domain.RecoveryCase;
import org.servicerecovery.recovery.domain.TimelineEntry;
import org.servicerecovery.reliability.timers.Timers;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/** Reads and writes cases inside the caller's transaction ({@code @WithTransaction} on the calling bean). */
@ApplicationScoped
public class CaseStore {

    private final Timers timers;

    public CaseStore(Timers timers) {
        this.timers = timers;
    }

    /** A timeline entry of case {@code caseId}. */
    public record Entry(String caseId, TimelineEntry entry) {
    }

    /** The customer a case belongs to (which never changes), read without a lock. */
    public Uni<Optional<String>> customerOf(String caseId) {
        return Panache.getSession().chain(session -> session.createNativeQuery(
                        "SELECT customer_id FROM recovery_case WHERE id = :id", String.class)
                .setParameter("id", caseId)
                .getResultList())
                .map(ids -> ids.stream().findFirst());
    }

    /**
     * Each customer's most recent case, locked with its timers held (in the order the timer loop follows: timers, then
     * case): three statements for a whole batch of customers instead of one per event. The caller holds the customers'
     * locks ({@code CustomerLocks}), so no new case of theirs can appear meanwhile.
     */
    public Uni<Map<String, RecoveryCase>> latestOf(Collection<String> customerIds) {
        if (customerIds.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                        SELECT DISTINCT ON (customer_id) id FROM recovery_case
                        WHERE customer_id = ANY(CAST(:customers AS text[])) ORDER BY customer_id, opened_at DESC""",
                        String.class)
                .setParameter("customers", customerIds.toArray(String[]::new))
                .getResultList()
                .chain(caseIds -> caseIds.isEmpty() ? Uni.createFrom().item(List.<CaseEntity>of()) : timers.lockOwners(caseIds)
                        .chain(() -> CaseEntity.<CaseEntity>find("id in ?1 order by id", caseIds)
                                .withLock(LockModeType.PESSIMISTIC_WRITE).list())))
                .map(entities -> {
                    Map<String, RecoveryCase> latest = new HashMap<>();
                    entities.forEach(entity -> latest.put(entity.customerId, entity.toDomain()));
                    return latest;
                });
    }

    /**
     * Locks the case for a change caused by an agent or an inbound event. Its timers are held first
     * ({@link Timers#lockOwners}), the order the timer loop also follows (timers, then case), so a firing timer and an
     * action wait for each other instead of deadlocking.
     */
    public Uni<Optional<RecoveryCase>> lockWithTimers(String id) {
        return timers.lockOwners(List.of(id)).chain(() -> lock(id));
    }

    /**
     * The customer's case opened for that failure (e.g. the promise a missed-promise case is about), locked as
     * {@link #lockWithTimers} does.
     */
    public Uni<Optional<RecoveryCase>> lockOpenedFor(String customerId, RecoveryTrigger trigger, String triggerRef) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                        SELECT id FROM recovery_case WHERE trigger_ref = :ref AND trigger = :trigger
                        AND customer_id = :customer ORDER BY opened_at DESC LIMIT 1""", String.class)
                .setParameter("ref", triggerRef)
                .setParameter("trigger", trigger.name())
                .setParameter("customer", customerId)
                .getResultList())
                .chain(ids -> ids.isEmpty() ? Uni.createFrom().item(Optional.<RecoveryCase>empty())
                        : lockWithTimers(ids.get(0)));
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

    /** The entries, in this order (the identity column follows the array order), with one statement. */
    public Uni<Void> addTimeline(List<Entry> entries) {
        if (entries.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        int size = entries.size();
        String[] cases = new String[size];
        String[] ats = new String[size];
        String[] types = new String[size];
        String[] actors = new String[size];
        String[] details = new String[size];
        for (int i = 0; i < size; i++) {
            Entry e = entries.get(i);
            cases[i] = e.caseId();
            ats[i] = e.entry().at().toString(); // ISO-8601 with Z: read exactly whatever the session's time zone
            types[i] = e.entry().type();
            actors[i] = e.entry().actor();
            details[i] = e.entry().detail();
        }
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                        INSERT INTO case_timeline (case_id, at, type, actor, detail)
                        SELECT c, CAST(a AS timestamptz), t, ac, d
                        FROM unnest(CAST(:cases AS text[]), CAST(:ats AS text[]), CAST(:types AS text[]),
                                    CAST(:actors AS text[]), CAST(:details AS text[])) AS e(c, a, t, ac, d)""")
                .setParameter("cases", cases)
                .setParameter("ats", ats)
                .setParameter("types", types)
                .setParameter("actors", actors)
                .setParameter("details", details)
                .executeUpdate())
                .replaceWithVoid();
    }

    /**
     * The customers as stored, by id; one missing from the map is unknown. Read as columns, not entities: the session
     * would keep serving the row it first read after {@link #saveCustomers} changed it.
     */
    public Uni<Map<String, Customer>> customers(Collection<String> customerIds) {
        if (customerIds.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                        SELECT customer_id, name, tier, locale, timezone, channel, account_team FROM customer
                        WHERE customer_id = ANY(CAST(:customers AS text[]))""", Object[].class)
                .setParameter("customers", customerIds.toArray(String[]::new))
                .getResultList())
                .map(rows -> {
                    Map<String, Customer> customers = new HashMap<>();
                    for (Object[] row : rows) {
                        customers.put((String) row[0], new Customer((String) row[0], (String) row[1],
                                Tier.valueOf((String) row[2]), (String) row[3], (String) row[4],
                                ContactChannel.valueOf((String) row[5]), (String) row[6]));
                    }
                    return customers;
                });
    }

    /** The customers' profiles (one each), in one statement, their columns as arrays. */
    public Uni<Void> saveCustomers(Collection<CustomerUpserted> customers) {
        if (customers.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                        INSERT INTO customer (customer_id, name, tier, locale, timezone, channel, account_team)
                        SELECT * FROM unnest(CAST(:ids AS text[]), CAST(:names AS text[]), CAST(:tiers AS text[]),
                                             CAST(:locales AS text[]), CAST(:timezones AS text[]),
                                             CAST(:channels AS text[]), CAST(:teams AS text[]))
                        ON CONFLICT (customer_id) DO UPDATE SET name = excluded.name, tier = excluded.tier,
                            locale = excluded.locale, timezone = excluded.timezone, channel = excluded.channel,
                            account_team = excluded.account_team""")
                .setParameter("ids", customers.stream().map(CustomerUpserted::customerId).toArray(String[]::new))
                .setParameter("names", customers.stream().map(CustomerUpserted::name).toArray(String[]::new))
                .setParameter("tiers", customers.stream().map(c -> c.tier().name()).toArray(String[]::new))
                .setParameter("locales", customers.stream().map(CustomerUpserted::locale).toArray(String[]::new))
                .setParameter("timezones", customers.stream().map(CustomerUpserted::timezone).toArray(String[]::new))
                .setParameter("channels", customers.stream().map(c -> c.preferredChannel().name()).toArray(String[]::new))
                .setParameter("teams", customers.stream().map(CustomerUpserted::accountTeam).toArray(String[]::new))
                .executeUpdate())
                .replaceWithVoid();
    }
}
