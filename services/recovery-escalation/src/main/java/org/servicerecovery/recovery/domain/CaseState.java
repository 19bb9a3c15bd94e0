package org.servicerecovery.recovery.domain;

public enum CaseState {
    OPEN, PAUSED, RESOLVED
}
