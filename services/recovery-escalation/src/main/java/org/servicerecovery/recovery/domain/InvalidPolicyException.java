package org.servicerecovery.recovery.domain;

import java.util.List;

/** A policy file that cannot be used; {@link #errors()} names every problem with the path of its field. */
public class InvalidPolicyException extends RuntimeException {

    private final List<String> errors;

    public InvalidPolicyException(List<String> errors) {
        super("invalid recovery policy: " + String.join("; ", errors));
        this.errors = List.copyOf(errors);
    }

    public List<String> errors() {
        return errors;
    }
}
