package org.servicerecovery.recovery.domain;

import org.servicerecovery.events.crm.Channel;
import org.servicerecovery.events.crm.Severity;
import org.servicerecovery.events.domain.RecoveryTrigger;

/**
 * A failure that calls for recovery. {@code severity} is null when the trigger has none of its own (the policy
 * decides); {@code team} is set when the failure already belongs to a team (a missed promise); {@code failure} says in
 * words what went wrong, for the apology.
 */
public record Trigger(RecoveryTrigger kind, String ref, Severity severity, String category, Channel channel,
                      String team, String failure) {
}
