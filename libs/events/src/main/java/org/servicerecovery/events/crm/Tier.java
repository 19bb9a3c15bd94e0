package org.servicerecovery.events.crm;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Service tier of a customer's contract.
 */
public enum Tier {

    @JsonProperty("standard")
    STANDARD,

    @JsonProperty("gold")
    GOLD,

    @JsonProperty("platinum")
    PLATINUM
}
