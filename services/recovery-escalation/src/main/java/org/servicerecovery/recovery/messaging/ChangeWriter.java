package org.servicerecovery.recovery.messaging;

import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import org.servicerecovery.events.CustomerEvent;
import org.servicerecovery.events.EventType;
import org.servicerecovery.recovery.domain.Change;
import org.servicerecovery.recovery.persistence.CaseStore;
import org.servicerecovery.recovery.persistence.CaseTimers;
import org.servicerecovery.reliability.outbox.Outbox;

import io.smallrye.mutiny.Uni;

/** Commits a {@link Change} in the caller's transaction: the case row, its timeline, its timers and its events. */
@ApplicationScoped
public class ChangeWriter {

    private final CaseStore store;
    private final CaseTimers timers;
    private final Outbox outbox;

    ChangeWriter(CaseStore store, CaseTimers timers, Outbox outbox) {
        this.store = store;
        this.timers = timers;
        this.outbox = outbox;
    }

    public Uni<Change> write(Change change, Instant now) {
        String id = change.recoveryCase().id();
        Uni<Void> chain = change.created()
                ? store.insert(change.recoveryCase(), now)
                : store.update(change.recoveryCase(), now);
        chain = chain.chain(() -> store.addTimeline(id, change.timeline()))
                .chain(() -> timers.apply(id, change.timers()));
        for (CustomerEvent event : change.events()) {
            // recovery.* on recovery.events, outreach.requested on outreach.requests; keyed by customer id (subject).
            chain = chain.chain(() -> outbox.publish(EventType.of(event.getClass()).topic(),
                    RecoveryEventFactory.wrap(id, event, now)));
        }
        return chain.replaceWith(change);
    }
}
