package org.servicerecovery.events.domain;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * How soon a CRM should deliver an outreach.
 */
public enum Urgency {

    @JsonProperty("normal")
    NORMAL,

    @JsonProperty("high")
    HIGH,

    @JsonProperty("immediate")
    IMMEDIATE
}
