package org.servicerecovery.promises.domain;

/** Where a promise stands. Only PENDING and MISSED can still change: a missed promise may yet be fulfilled late. */
public enum PromiseState {
    PENDING, KEPT, MISSED, FULFILLED_LATE, CANCELLED;

    public boolean finished() {
        return this == KEPT || this == FULFILLED_LATE || this == CANCELLED;
    }
}
