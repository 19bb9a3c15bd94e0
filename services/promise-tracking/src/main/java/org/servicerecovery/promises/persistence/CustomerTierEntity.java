package org.servicerecovery.promises.persistence;

import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.servicerecovery.events.crm.Tier;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;

@Entity
@Table(name = "customer_tier")
public class CustomerTierEntity extends PanacheEntityBase {

    @Id
    public String customerId;
    @Enumerated(EnumType.STRING)
    public Tier tier;
}
