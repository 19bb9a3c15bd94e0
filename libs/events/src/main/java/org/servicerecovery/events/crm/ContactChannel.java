package org.servicerecovery.events.crm;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A channel a CRM can use to reach the customer: a subset of {@link Channel}, since nobody can be
 * sent a message "in person" or "on the web".
 */
public enum ContactChannel {

    @JsonProperty("email")
    EMAIL,

    @JsonProperty("sms")
    SMS,

    @JsonProperty("phone")
    PHONE,

    @JsonProperty("chat")
    CHAT
}
