package org.servicerecovery.events.crm;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonInclude;

import org.servicerecovery.events.CustomerEvent;

/**
 * {@code customer.upserted}: a CRM created or changed a customer. It carries the whole customer, not a diff, so
 * the latest one wins.
 *
 * @param customerId the customer's id in the CRM; also the Kafka key and the CloudEvents subject.
 * @param name how to address the customer in outreach.
 * @param email email address, if the customer gave one.
 * @param phone phone number in E.164 form (+4930123456), if the customer gave one.
 * @param tier service tier; recovery policies can depend on it.
 * @param timezone IANA time zone id, e.g. Europe/Berlin: outreach is timed to the customer's day. A zone of the IANA
 *        database, not a fixed offset such as +02:00.
 * @param locale BCP 47 language tag, e.g. de-DE: the language outreach is written in. Well-formed, and naming a
 *        language.
 * @param preferredChannel channel the customer wants to be contacted on.
 * @param accountTeam team that owns the account, if one does.
 */
public record CustomerUpserted(
        String customerId,
        String name,
        @JsonInclude(JsonInclude.Include.NON_NULL) String email,
        @JsonInclude(JsonInclude.Include.NON_NULL) String phone,
        Tier tier,
        String timezone,
        String locale,
        ContactChannel preferredChannel,
        @JsonInclude(JsonInclude.Include.NON_NULL) String accountTeam) implements CustomerEvent {

    public CustomerUpserted {
        requireNonNull(customerId, "customerId");
        requireNonNull(name, "name");
        requireNonNull(tier, "tier");
        requireNonNull(timezone, "timezone");
        requireNonNull(locale, "locale");
        requireNonNull(preferredChannel, "preferredChannel");
    }
}
