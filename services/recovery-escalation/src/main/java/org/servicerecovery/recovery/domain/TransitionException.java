package org.servicerecovery.recovery.domain;

/** An action that the case's current state does not allow; the API answers 409 naming that state. */
public class TransitionException extends RuntimeException {

    private final String currentState;

    public TransitionException(String action, String currentState, String why) {
        super("Cannot " + action + ": the case is " + currentState + (why == null ? "" : " (" + why + ")") + ".");
        this.currentState = currentState;
    }

    public String currentState() {
        return currentState;
    }
}
