package org.servicerecovery.intake;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import org.servicerecovery.events.EventType;
import org.servicerecovery.intake.IntakeMetrics.Outcome;
import org.servicerecovery.intake.domain.Ingress;
import org.servicerecovery.intake.domain.Verdict;
import org.servicerecovery.intake.persistence.InboundStore;
import org.servicerecovery.intake.persistence.InboundStore.Accepted;
import org.servicerecovery.intake.persistence.InboundStore.Key;

import io.smallrye.mutiny.Uni;

/** Takes validated events from either door: stores and publishes the new ones, and counts every outcome. */
@ApplicationScoped
public class Intake {

    private final InboundStore store;
    private final IntakeMetrics metrics;

    public Intake(InboundStore store, IntakeMetrics metrics) {
        this.store = store;
        this.metrics = metrics;
    }

    /**
     * @param traceparents the transport's traceparent of each event (Kafka header, HTTP header), or {@code null}s
     * @return the outcome of each event, in order; counted only once the transaction committed
     */
    public Uni<List<Outcome>> take(List<Verdict> verdicts, List<String> traceparents, Ingress ingress, OffsetDateTime now) {
        List<Accepted> valid = new ArrayList<>();
        for (int i = 0; i < verdicts.size(); i++) {
            if (verdicts.get(i) instanceof Verdict.Valid event) {
                valid.add(new Accepted(event, traceparents.get(i)));
            }
        }
        Uni<Set<Key>> stored = valid.isEmpty() ? Uni.createFrom().item(Set.of()) : store.accept(valid, ingress, now);
        return stored.map(inserted -> {
            Set<Key> seen = new HashSet<>();
            List<Outcome> outcomes = new ArrayList<>(verdicts.size());
            for (Verdict verdict : verdicts) {
                Outcome outcome = Outcome.REJECTED;
                EventType type = null;
                if (verdict instanceof Verdict.Valid event) {
                    Key key = new Key(event.event().source(), event.event().id());
                    // Only the first of two copies in one batch was inserted; the second is a duplicate.
                    outcome = inserted.contains(key) && seen.add(key) ? Outcome.ACCEPTED : Outcome.DUPLICATE;
                    type = event.type();
                } else if (verdict instanceof Verdict.Invalid invalid) {
                    type = invalid.type();
                }
                outcomes.add(outcome);
                metrics.count(outcome, type, ingress);
            }
            return outcomes;
        });
    }
}
