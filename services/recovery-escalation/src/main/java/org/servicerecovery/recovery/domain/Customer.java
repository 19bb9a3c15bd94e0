package org.servicerecovery.recovery.domain;

import java.time.DateTimeException;
import java.time.ZoneId;

import org.servicerecovery.events.crm.ContactChannel;
import org.servicerecovery.events.crm.CustomerUpserted;
import org.servicerecovery.events.crm.Tier;

/**
 * What recovery needs to know about a customer, from the latest customer.upserted. Until one arrives, a customer is
 * standard tier, English, reached by email, without account team or time zone ({@link #unknown}).
 */
public record Customer(String id, String name, Tier tier, String locale, String timezone, ContactChannel channel,
                       String accountTeam) {

    /**
     * The customer a customer.upserted describes. Refused, so that the event is dead-lettered, when its time zone is
     * no zone id Java knows: every later case of the customer would fail to plan its deadlines in it.
     */
    public static Customer of(CustomerUpserted upserted) {
        try {
            ZoneId.of(upserted.timezone());
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("/data/timezone \"" + upserted.timezone() + "\" is not an IANA time zone", e);
        }
        return new Customer(upserted.customerId(), upserted.name(), upserted.tier(), upserted.locale(),
                upserted.timezone(), upserted.preferredChannel(), upserted.accountTeam());
    }

    public static Customer unknown(String id) {
        return new Customer(id, null, Tier.STANDARD, "en", null, ContactChannel.EMAIL, null);
    }
}
