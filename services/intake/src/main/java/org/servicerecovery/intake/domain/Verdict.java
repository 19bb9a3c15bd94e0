package org.servicerecovery.intake.domain;

import java.util.List;

import org.servicerecovery.events.CloudEvent;
import org.servicerecovery.events.CustomerEvent;
import org.servicerecovery.events.EventType;
import org.servicerecovery.events.InvalidCloudEventException;
import org.servicerecovery.events.InvalidCloudEventException.Problem;

/** What intake makes of one inbound event: taken, with its bound data, or refused, with every reason. */
public sealed interface Verdict {

    /**
     * @param event the event as received (binary mode decoded to the same attributes)
     * @param raw its structured JSON form, stored for audit and replay
     */
    record Valid(CloudEvent event, EventType type, CustomerEvent data, String raw) implements Verdict {
    }

    /**
     * @param type the event's type when it is a known one, for the metrics; {@code null} otherwise
     * @param tooLarge the event exceeds the size limit (413 on REST)
     */
    record Invalid(List<Problem> problems, EventType type, boolean tooLarge) implements Verdict {

        /** All problems in one line, as in {@link InvalidCloudEventException}: the dead-letter reason. */
        public String reason() {
            return new InvalidCloudEventException(problems).getMessage();
        }
    }
}
