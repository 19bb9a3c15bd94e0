package org.servicerecovery.events.crm;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Where an interaction with the customer took place.
 */
public enum Channel {

    @JsonProperty("email")
    EMAIL,

    @JsonProperty("sms")
    SMS,

    @JsonProperty("phone")
    PHONE,

    @JsonProperty("chat")
    CHAT,

    @JsonProperty("web")
    WEB,

    @JsonProperty("in_person")
    IN_PERSON
}
