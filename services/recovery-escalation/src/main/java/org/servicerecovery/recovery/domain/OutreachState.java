package org.servicerecovery.recovery.domain;

/** The message of an apology or follow-up step: drafted for an agent's approval, requested from the CRM, delivered. */
public enum OutreachState {
    NONE, AWAITING_APPROVAL, REQUESTED, DELIVERED
}
