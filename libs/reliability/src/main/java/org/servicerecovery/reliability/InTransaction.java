package org.servicerecovery.reliability;

import org.hibernate.reactive.mutiny.Mutiny;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * The session of the caller's transaction, for writes that are only correct inside one: an outbox row, a timer, an
 * idempotent-consumer record or a lock committed on its own would be apart from the change it belongs to.
 */
public final class InTransaction {

    private InTransaction() {
    }

    /** Fails with {@link IllegalStateException} naming {@code caller} when no transaction is open. */
    public static Uni<Mutiny.Session> session(String caller) {
        return Panache.getSession().map(session -> {
            if (session.currentTransaction() == null) {
                throw new IllegalStateException(caller + " must be called inside a transaction (@WithTransaction):"
                        + " its write belongs to the caller's change and must commit with it or not at all");
            }
            return session;
        });
    }
}
