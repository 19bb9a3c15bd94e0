package org.servicerecovery.recovery.persistence;

import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.servicerecovery.events.crm.ContactChannel;
import org.servicerecovery.events.crm.Tier;
import org.servicerecovery.recovery.domain.Customer;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;

@Entity
@Table(name = "customer")
public class CustomerEntity extends PanacheEntityBase {

    @Id
    public String customerId;
    public String name;
    @Enumerated(EnumType.STRING)
    public Tier tier;
    public String locale;
    public String timezone;
    @Enumerated(EnumType.STRING)
    public ContactChannel channel;
    public String accountTeam;

    Customer toDomain() {
        return new Customer(customerId, name, tier, locale, timezone, channel, accountTeam);
    }
}
