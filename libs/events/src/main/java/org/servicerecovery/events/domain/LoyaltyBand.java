package org.servicerecovery.events.domain;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Coarse reading of a loyalty score that the other services act on.
 */
public enum LoyaltyBand {

    @JsonProperty("at-risk")
    AT_RISK,

    @JsonProperty("neutral")
    NEUTRAL,

    @JsonProperty("loyal")
    LOYAL
}
