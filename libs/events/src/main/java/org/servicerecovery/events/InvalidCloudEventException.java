package org.servicerecovery.events;

import java.io.Serializable;
import java.util.List;
import java.util.stream.Collectors;

/**
 * An event that breaks the contract. It lists every problem found, not just the first, so that whoever
 * fixes the producer (often a CRM integrator reading a dead-letter header) sees them all at once.
 */
public final class InvalidCloudEventException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final List<Problem> problems;

    public InvalidCloudEventException(List<Problem> problems) {
        super(describe(problems));
        this.problems = List.copyOf(problems);
    }

    public List<Problem> problems() {
        return problems;
    }

    private static String describe(List<Problem> problems) {
        return problems.stream().map(Problem::toString).collect(Collectors.joining("; ", "Invalid CloudEvent: ", ""));
    }

    /**
     * One broken rule. {@code pointer} is a JSON Pointer (RFC 6901) into the structured-mode form of the
     * event, e.g. {@code /specversion} or {@code /data/customerId}, also for events received in binary mode;
     * the empty pointer means the whole document.
     */
    public record Problem(String pointer, String message) implements Serializable {

        /** Appends one reference token to a pointer, escaping it as RFC 6901 requires. */
        public static String pointer(String base, String token) {
            return base + "/" + token.replace("~", "~0").replace("/", "~1");
        }

        @Override
        public String toString() {
            return (pointer.isEmpty() ? "document" : pointer) + " " + message;
        }
    }
}
