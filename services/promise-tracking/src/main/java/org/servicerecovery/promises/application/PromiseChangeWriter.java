package org.servicerecovery.promises.application;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.servicerecovery.events.CloudEvent;
import org.servicerecovery.events.Topic;
import org.servicerecovery.promises.domain.PromiseChange;
import org.servicerecovery.promises.persistence.PromiseStore;
import org.servicerecovery.promises.persistence.PromiseTimers;
import org.servicerecovery.reliability.outbox.Outbox;
import org.servicerecovery.reliability.InOrder;

import io.smallrye.mutiny.Uni;

/** Commits a {@link PromiseChange} in the caller's transaction: the promise row, its history, its timers and its events. */
@ApplicationScoped
class PromiseChangeWriter {

    private final PromiseStore store;
    private final PromiseTimers timers;
    private final Outbox outbox;

    PromiseChangeWriter(PromiseStore store, PromiseTimers timers, Outbox outbox) {
        this.store = store;
        this.timers = timers;
        this.outbox = outbox;
    }

    Uni<Void> insert(PromiseChange change, Instant now) {
        return store.insert(change.promise(), now).chain(() -> rest(List.of(change), now));
    }

    Uni<Void> update(PromiseChange change, Instant now) {
        return updateAll(List.of(change), now);
    }

    /** Promises locked in this session; their rows are flushed as one batch, their history and events in one insert each. */
    Uni<Void> updateAll(List<PromiseChange> changes, Instant now) {
        return store.updateAll(changes.stream().map(PromiseChange::promise).toList(), now).chain(() -> rest(changes, now));
    }

    private Uni<Void> rest(List<PromiseChange> changes, Instant now) {
        Uni<Void> chain = store.addHistory(changes.stream()
                .flatMap(change -> change.history().stream().map(entry -> Map.entry(change.promise().id(), entry)))
                .toList())
                .chain(() -> InOrder.forEach(changes, change -> timers.apply(change.promise().id(), change.timers())));
        List<CloudEvent> events = changes.stream()
                .flatMap(change -> change.events().stream()
                        .map(event -> PromiseEventFactory.wrap(change.promise().id(), event, now)))
                .toList();
        return chain.chain(() -> outbox.publishAll(Topic.PROMISE_EVENTS, events));
    }
}
