package org.servicerecovery.intake.domain;

import java.util.Locale;

/** The door an event came in through: the metrics' channel label and the stored event's channel. */
public enum Ingress {
    KAFKA, REST;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
