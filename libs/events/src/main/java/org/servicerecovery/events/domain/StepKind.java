package org.servicerecovery.events.domain;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What a recovery step does for the customer; also the purpose of an outreach.
 */
public enum StepKind {

    @JsonProperty("apology")
    APOLOGY,

    @JsonProperty("remedy")
    REMEDY,

    @JsonProperty("follow-up")
    FOLLOW_UP,

    @JsonProperty("survey")
    SURVEY,

    @JsonProperty("custom")
    CUSTOM
}
