package org.servicerecovery.recovery.domain;

public enum StepState {
    PENDING, ACTIVE, DONE, SKIPPED
}
