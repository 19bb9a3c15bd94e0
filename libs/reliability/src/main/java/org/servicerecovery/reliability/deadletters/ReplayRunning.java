package org.servicerecovery.reliability.deadletters;

/** Another replay of this service's dead letters is running (on this replica or another). */
public class ReplayRunning extends RuntimeException {

    public ReplayRunning() {
        super("another replay of these dead letters is running; try again when it finished");
    }
}
