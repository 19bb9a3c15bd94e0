package org.servicerecovery.promises.messaging;

import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import org.servicerecovery.events.CustomerEvent;
import org.servicerecovery.events.Topic;
import org.servicerecovery.promises.domain.Change;
import org.servicerecovery.promises.persistence.PromiseStore;
import org.servicerecovery.promises.persistence.PromiseTimers;
import org.servicerecovery.reliability.outbox.Outbox;

import io.smallrye.mutiny.Uni;

/** Commits a {@link Change} in the caller's transaction: the promise row, its history, its timers and its events. */
@ApplicationScoped
class ChangeWriter {

    private final PromiseStore store;
    private final PromiseTimers timers;
    private final Outbox outbox;

    ChangeWriter(PromiseStore store, PromiseTimers timers, Outbox outbox) {
        this.store = store;
        this.timers = timers;
        this.outbox = outbox;
    }

    Uni<Void> insert(Change change, Instant now) {
        return store.insert(change.promise(), now).chain(() -> rest(change, now));
    }

    Uni<Void> update(Change change, Instant now) {
        return store.update(change.promise(), now).chain(() -> rest(change, now));
    }

    private Uni<Void> rest(Change change, Instant now) {
        String id = change.promise().id();
        Uni<Void> chain = store.addHistory(id, change.history()).chain(() -> timers.apply(id, change.timers()));
        for (CustomerEvent event : change.events()) {
            chain = chain.chain(() -> outbox.publish(Topic.PROMISE_EVENTS, PromiseEventFactory.wrap(id, event, now)));
        }
        return chain;
    }
}
