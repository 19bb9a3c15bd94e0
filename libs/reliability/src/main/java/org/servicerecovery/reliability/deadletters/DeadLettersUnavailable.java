package org.servicerecovery.reliability.deadletters;

/** The dead-letter topic or the replay log could not be read or written now: Kafka or PostgreSQL did not answer. */
public class DeadLettersUnavailable extends RuntimeException {

    public DeadLettersUnavailable(String message) {
        super(message);
    }

    public DeadLettersUnavailable(String message, Throwable cause) {
        super(message, cause);
    }
}
