package org.servicerecovery.promises.persistence;

import java.time.Instant;

import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.servicerecovery.events.crm.Channel;
import org.servicerecovery.events.crm.Tier;
import org.servicerecovery.promises.domain.Promise;
import org.servicerecovery.promises.domain.PromiseState;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;

@Entity
@Table(name = "promise")
public class PromiseEntity extends PanacheEntityBase {

    @Id
    public String id;
    public String customerId;
    public String owner;
    public String team;
    @Enumerated(EnumType.STRING)
    public Channel channel;
    @Enumerated(EnumType.STRING)
    public Tier tier;
    public String description;
    public Instant madeAt;
    public Instant dueAt;
    @Enumerated(EnumType.STRING)
    public PromiseState state;
    public Instant fulfilledAt;
    public Instant missedAt;
    public Instant cancelledAt;
    public Instant updatedAt;

    Promise toDomain() {
        return new Promise(id, customerId, owner, team, channel, tier, description, madeAt, dueAt, state,
                fulfilledAt, missedAt, cancelledAt);
    }
}
