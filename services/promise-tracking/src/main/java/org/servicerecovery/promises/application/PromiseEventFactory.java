package org.servicerecovery.promises.application;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import org.servicerecovery.events.CloudEvent;
import org.servicerecovery.events.CustomerEvent;
import org.servicerecovery.events.EventData;
import org.servicerecovery.events.EventType;
import org.servicerecovery.events.domain.PromiseAtRisk;
import org.servicerecovery.events.domain.PromiseRescheduled;

/**
 * Wraps domain events in CloudEvents whose id follows from the transition ({@code <promiseId>/promise.missed}, ...),
 * so if the same transition were ever published twice, consumers would drop the copy.
 */
final class PromiseEventFactory {

    static final String SOURCE = "urn:service-recovery:promise-tracking";

    private PromiseEventFactory() {
    }

    static CloudEvent wrap(String promiseId, CustomerEvent data, Instant now) {
        String id = promiseId + "/" + EventType.of(data.getClass()).type();
        // These two can happen more than once per promise: once per deadline in force.
        if (data instanceof PromiseRescheduled rescheduled) {
            id += "/" + rescheduled.newDueAt().toInstant().toEpochMilli();
        } else if (data instanceof PromiseAtRisk atRisk) {
            id += "/" + atRisk.dueAt().toInstant().toEpochMilli();
        }
        return EventData.wrap(id, SOURCE, OffsetDateTime.ofInstant(now, ZoneOffset.UTC), data);
    }
}
