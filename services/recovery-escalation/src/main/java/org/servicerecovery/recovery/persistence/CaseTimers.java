package org.servicerecovery.recovery.persistence;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.servicerecovery.recovery.domain.TimerOp;
import org.servicerecovery.reliability.timers.Timers;

import io.smallrye.mutiny.Uni;

/**
 * A case's three durable timers (warning, deadline, next escalation rung). Their ids derive from the case id, so
 * setting one again moves it; the owner is the case id and the payload names the step, which is all a handler needs.
 */
@ApplicationScoped
public class CaseTimers {

    private final Timers timers;

    public CaseTimers(Timers timers) {
        this.timers = timers;
    }

    public Uni<Void> apply(String caseId, List<TimerOp> ops) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (TimerOp op : ops) {
            String id = op.kind().id() + ":" + caseId;
            chain = chain.chain(() -> op.at() == null
                    ? timers.cancel(id).replaceWithVoid()
                    : timers.schedule(id, op.kind().id(), caseId, op.at(), op.payload()));
        }
        return chain;
    }
}
