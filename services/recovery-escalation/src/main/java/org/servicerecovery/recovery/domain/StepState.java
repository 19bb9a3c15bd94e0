package org.servicerecovery.recovery.domain;

/** PENDING: not reached yet; SCHEDULED: reached, waiting for its start delay; ACTIVE: its clock runs. */
public enum StepState {
    PENDING, SCHEDULED, ACTIVE, DONE, SKIPPED
}
