package org.servicerecovery.intake.application;

import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;
import org.servicerecovery.events.EventType;
import org.servicerecovery.events.TextRules;
import org.servicerecovery.intake.IntakeMetrics.Outcome;
import org.servicerecovery.intake.IntakeMetrics;
import org.servicerecovery.intake.domain.Ingress;
import org.servicerecovery.intake.domain.Verdict;
import org.servicerecovery.intake.persistence.InboundStore.Accepted;
import org.servicerecovery.intake.persistence.InboundStore.Key;
import org.servicerecovery.intake.persistence.InboundStore;
import org.servicerecovery.reliability.inbox.DatabaseOutages;

import io.smallrye.mutiny.Uni;
import io.vertx.pgclient.PgException;

/**
 * Takes validated events from either door: stores and publishes the new ones, and counts every outcome.
 *
 * <p>The events are stored in one transaction. If it fails for a reason other than a database outage, one of them is
 * one the database refuses (a value validation let through), and one such event must not take the others down with
 * it: the batch is stored again in two halves, each half that fails in two halves again, down to the events that fail
 * on their own, which alone are refused. The halves are stored one after the other, so the events are published in
 * the order they came. A database outage is no event's fault: the Kafka door waits for the database (its partition
 * waits, keeping the order); the REST door fails the requests, which the CRM sends again.
 */
@ApplicationScoped
public class Intake {

    private static final Logger LOG = Logger.getLogger(Intake.class);

    /** What became of one event. */
    public record Fate(Outcome outcome, Refusal refusal) {

        static Fate of(Outcome outcome) {
            return new Fate(outcome, null);
        }
    }

    /**
     * Why the database refused to store an event that passed validation (outcome {@link Outcome#REJECTED}).
     *
     * @param sqlState PostgreSQL's error code, {@code null} if the failure came from elsewhere
     * @param detail the database's message, printable; for dead letters and logs, not for CRMs' eyes
     */
    public record Refusal(String sqlState, String detail) {

        /** Safe to show a CRM: no data from the database's message. */
        public String reason() {
            return "passed validation but could not be stored (" + (sqlState == null ? "an error" : "SQLSTATE " + sqlState)
                    + "), so it was not accepted; intake's validation should have refused it: please report it";
        }
    }

    /** The outcome of storing a run of the events: the keys that went in, and the events refused, by position. */
    private record Stored(Set<Key> inserted, Map<Integer, Refusal> refused) {

        Stored and(Stored later) {
            Set<Key> keys = new HashSet<>(inserted);
            keys.addAll(later.inserted());
            Map<Integer, Refusal> refusals = new HashMap<>(refused);
            refusals.putAll(later.refused());
            return new Stored(keys, refusals);
        }
    }

    private final InboundStore store;
    private final IntakeMetrics metrics;

    public Intake(InboundStore store, IntakeMetrics metrics) {
        this.store = store;
        this.metrics = metrics;
    }

    /**
     * @param traceparents the transport's traceparent of each event (Kafka header, HTTP header), or {@code null}s
     * @return the fate of each event, in order; counted only once stored (or refused)
     */
    public Uni<List<Fate>> take(List<Verdict> verdicts, List<String> traceparents, Ingress ingress, OffsetDateTime now) {
        List<Accepted> valid = new ArrayList<>();
        List<Integer> positions = new ArrayList<>();
        for (int i = 0; i < verdicts.size(); i++) {
            if (verdicts.get(i) instanceof Verdict.Valid event) {
                valid.add(new Accepted(event, traceparents.get(i)));
                positions.add(i);
            }
        }
        Uni<Stored> stored = valid.isEmpty() ? Uni.createFrom().item(new Stored(Set.of(), Map.of()))
                : store(valid, 0, ingress, now);
        return stored.map(outcome -> {
            Map<Integer, Refusal> refused = new HashMap<>();
            outcome.refused().forEach((index, refusal) -> refused.put(positions.get(index), refusal));
            Set<Key> seen = new HashSet<>();
            List<Fate> fates = new ArrayList<>(verdicts.size());
            for (int i = 0; i < verdicts.size(); i++) {
                Verdict verdict = verdicts.get(i);
                Fate fate = Fate.of(Outcome.REJECTED);
                EventType type = null;
                if (verdict instanceof Verdict.Valid event) {
                    Key key = new Key(event.event().source(), event.event().id());
                    type = event.type();
                    if (refused.containsKey(i)) {
                        fate = new Fate(Outcome.REJECTED, refused.get(i));
                    } else {
                        // Only the first of two copies in one batch was inserted; the second is a duplicate.
                        fate = Fate.of(outcome.inserted().contains(key) && seen.add(key) ? Outcome.ACCEPTED : Outcome.DUPLICATE);
                    }
                } else if (verdict instanceof Verdict.Invalid invalid) {
                    type = invalid.type();
                }
                fates.add(fate);
                metrics.count(fate.outcome(), type, ingress);
            }
            return fates;
        });
    }

    /** Stores {@code events} (which start at position {@code offset} of the batch), halving on a refusal. */
    private Uni<Stored> store(List<Accepted> events, int offset, Ingress ingress, OffsetDateTime now) {
        return attempt(events, ingress, now)
                .map(inserted -> new Stored(inserted, Map.of()))
                .onFailure(failure -> !DatabaseOutages.isOutage(failure)).recoverWithUni(failure -> {
                    if (events.size() == 1) {
                        Refusal refusal = refusal(failure);
                        Key key = new Key(events.get(0).valid().event().source(), events.get(0).valid().event().id());
                        LOG.warnf("The database refused event %s from %s: %s", TextRules.printable(key.id(), 200),
                                TextRules.printable(key.source(), 200), refusal.detail());
                        return Uni.createFrom().item(new Stored(Set.of(), Map.of(offset, refusal)));
                    }
                    LOG.warnf("A batch of %d events could not be stored (%s); storing it in halves to find the event "
                            + "that fails", events.size(), refusal(failure).detail());
                    int half = events.size() / 2;
                    return store(events.subList(0, half), offset, ingress, now).chain(first ->
                            store(events.subList(half, events.size()), offset + half, ingress, now).map(first::and));
                });
    }

    private Uni<Set<Key>> attempt(List<Accepted> events, Ingress ingress, OffsetDateTime now) {
        return ingress == Ingress.KAFKA
                ? DatabaseOutages.retryWhileDown(() -> store.accept(events, ingress, now))
                : store.accept(events, ingress, now);
    }

    /** The database's own words: Hibernate Reactive wraps them in an SQLException, the client in a PgException. */
    private static Refusal refusal(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof SQLException sql && sql.getSQLState() != null) {
                return new Refusal(sql.getSQLState(), TextRules.printable(sql.getMessage(), 500));
            }
            if (cause instanceof PgException pg) {
                return new Refusal(pg.getSqlState(), TextRules.printable(pg.getMessage(), 500));
            }
        }
        return new Refusal(null, TextRules.printable(failure.toString(), 500));
    }
}
