package org.servicerecovery.promises.application;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.servicerecovery.events.CloudEvent;
import org.servicerecovery.events.Topic;
import org.servicerecovery.promises.domain.HistoryEntry;
import org.servicerecovery.promises.domain.PromiseChange;
import org.servicerecovery.promises.domain.TimerPlan;
import org.servicerecovery.promises.persistence.PromiseStore;
import org.servicerecovery.promises.persistence.PromiseTimers;
import org.servicerecovery.reliability.outbox.Outbox;

import io.smallrye.mutiny.Uni;

/**
 * Commits {@link PromiseChange}s in the caller's transaction: their history, timers and events gathered in their order
 * ({@link Pending}) and written with one statement each, however many changes a batch holds.
 */
@ApplicationScoped
class PromiseChangeWriter {

    /** What a transaction's changes still have to write, in the order they were made. */
    static final class Pending {

        private final List<Map.Entry<String, HistoryEntry>> history = new ArrayList<>();
        private final List<Map.Entry<String, TimerPlan>> timers = new ArrayList<>();
        private final List<CloudEvent> events = new ArrayList<>();

        void history(String promiseId, HistoryEntry entry) {
            history.add(Map.entry(promiseId, entry));
        }

        void add(PromiseChange change, Instant now) {
            String promiseId = change.promise().id();
            change.history().forEach(entry -> history(promiseId, entry));
            timers.add(Map.entry(promiseId, change.timers()));
            change.events().forEach(event -> events.add(PromiseEventFactory.wrap(promiseId, event, now)));
        }
    }

    private final PromiseStore store;
    private final PromiseTimers timers;
    private final Outbox outbox;

    PromiseChangeWriter(PromiseStore store, PromiseTimers timers, Outbox outbox) {
        this.store = store;
        this.timers = timers;
        this.outbox = outbox;
    }

    /** Promises locked in this session, changed and written together. */
    Uni<Void> updateAll(List<PromiseChange> changes, Instant now) {
        Pending pending = new Pending();
        return store.updateAll(changes.stream().map(PromiseChange::promise).toList(), now)
                .invoke(() -> changes.forEach(change -> pending.add(change, now)))
                .chain(() -> write(pending));
    }

    /** Writes what the changes gathered: history, timers (the last plan of each), events (in their order). */
    Uni<Void> write(Pending pending) {
        return store.addHistory(pending.history)
                .chain(() -> timers.applyAll(pending.timers))
                .chain(() -> outbox.publishAll(Topic.PROMISE_EVENTS, pending.events));
    }
}
