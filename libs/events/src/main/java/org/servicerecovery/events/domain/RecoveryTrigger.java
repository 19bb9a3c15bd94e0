package org.servicerecovery.events.domain;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What made recovery-escalation open a case.
 */
public enum RecoveryTrigger {

    @JsonProperty("complaint")
    COMPLAINT,

    @JsonProperty("missed-promise")
    MISSED_PROMISE,

    @JsonProperty("detractor-feedback")
    DETRACTOR_FEEDBACK
}
