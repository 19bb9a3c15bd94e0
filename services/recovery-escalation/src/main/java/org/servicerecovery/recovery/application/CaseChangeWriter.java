package org.servicerecovery.recovery.application;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.servicerecovery.events.CloudEvent;
import org.servicerecovery.events.CustomerEvent;
import org.servicerecovery.events.EventType;
import org.servicerecovery.events.Topic;
import org.servicerecovery.recovery.domain.CaseChange;
import org.servicerecovery.recovery.persistence.CaseStore;
import org.servicerecovery.recovery.persistence.CaseTimers;
import org.servicerecovery.reliability.outbox.Outbox;

import io.smallrye.mutiny.Uni;

/**
 * Commits {@link CaseChange}s in the caller's transaction: the case row, its timeline, its timers and its events. A batch
 * of inbound events saves each case row at once (a later event of the batch may read it) and writes the timelines,
 * timers and events of all its changes at the end, with one statement each.
 */
@ApplicationScoped
class CaseChangeWriter {

    /** A change whose case row is saved and whose timeline, timers and events are still to be written. */
    record Staged(CaseChange change, Instant now) {
    }

    private final CaseStore store;
    private final CaseTimers timers;
    private final Outbox outbox;

    CaseChangeWriter(CaseStore store, CaseTimers timers, Outbox outbox) {
        this.store = store;
        this.timers = timers;
        this.outbox = outbox;
    }

    public Uni<CaseChange> write(CaseChange change, Instant now) {
        return stage(change, now).chain(staged -> writeRest(List.of(staged))).replaceWith(change);
    }

    /** Saves the case row. */
    public Uni<Staged> stage(CaseChange change, Instant now) {
        Uni<Void> saved = change.created()
                ? store.insert(change.recoveryCase(), now)
                : store.update(change.recoveryCase(), now);
        return saved.replaceWith(new Staged(change, now));
    }

    /** The timelines, timers and events of the staged changes, in their order. */
    public Uni<Void> writeRest(List<Staged> staged) {
        List<CaseStore.Entry> timeline = new ArrayList<>();
        List<CaseTimers.Op> ops = new ArrayList<>();
        // recovery.* on recovery.events, outreach.requested on outreach.requests; keyed by customer id (subject).
        Map<Topic, List<CloudEvent>> events = new LinkedHashMap<>();
        for (Staged s : staged) {
            String id = s.change().recoveryCase().id();
            s.change().timeline().forEach(entry -> timeline.add(new CaseStore.Entry(id, entry)));
            s.change().timers().forEach(op -> ops.add(new CaseTimers.Op(id, op)));
            for (CustomerEvent event : s.change().events()) {
                events.computeIfAbsent(EventType.of(event.getClass()).topic(), topic -> new ArrayList<>())
                        .add(RecoveryEventFactory.wrap(id, event, s.now()));
            }
        }
        Uni<Void> chain = store.addTimeline(timeline).chain(() -> timers.apply(ops));
        for (Map.Entry<Topic, List<CloudEvent>> topic : events.entrySet()) {
            chain = chain.chain(() -> outbox.publishAll(topic.getKey(), topic.getValue()));
        }
        return chain;
    }
}
