package org.servicerecovery.promises.domain;

/**
 * How a reschedule the customer did not agree to, made before the due time, counts. A reschedule after the due time
 * always counts as missed: the deadline had already passed.
 */
public enum ReschedulePolicy {
    /** The promise is missed (lateness 0) and keeps its outcome; the new date is recorded. The default. */
    MISS_FIRST,
    /** The due time moves as for an agreed reschedule. */
    MOVE
}
