package org.servicerecovery.events.crm;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * How badly something went wrong for the customer, as the CRM or a recovery policy rates it.
 */
public enum Severity {

    @JsonProperty("low")
    LOW,

    @JsonProperty("medium")
    MEDIUM,

    @JsonProperty("high")
    HIGH,

    @JsonProperty("critical")
    CRITICAL
}
