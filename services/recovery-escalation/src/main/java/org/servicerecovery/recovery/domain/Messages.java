package org.servicerecovery.recovery.domain;

import org.servicerecovery.events.domain.StepKind;

/** Writes the message a step sends to the customer; templates live outside the domain. */
@FunctionalInterface
public interface Messages {

    Message render(StepKind purpose, RecoveryCase recoveryCase);
}
