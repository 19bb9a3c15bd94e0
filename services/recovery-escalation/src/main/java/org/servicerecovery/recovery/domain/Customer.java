package org.servicerecovery.recovery.domain;

import org.servicerecovery.events.crm.ContactChannel;
import org.servicerecovery.events.crm.Tier;

/**
 * What recovery needs to know about a customer, from the latest customer.upserted. Until one arrives, a customer is
 * standard tier, English, reached by email, without account team or time zone ({@link #unknown}).
 */
public record Customer(String id, String name, Tier tier, String locale, String timezone, ContactChannel channel,
                       String accountTeam) {

    public static Customer unknown(String id) {
        return new Customer(id, null, Tier.STANDARD, "en", null, ContactChannel.EMAIL, null);
    }
}
