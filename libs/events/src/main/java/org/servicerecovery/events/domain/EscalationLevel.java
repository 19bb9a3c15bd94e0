package org.servicerecovery.events.domain;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Who an overdue recovery step is escalated to, from the first rung up.
 */
public enum EscalationLevel {

    @JsonProperty("supervisor")
    SUPERVISOR,

    @JsonProperty("manager")
    MANAGER,

    @JsonProperty("director")
    DIRECTOR
}
