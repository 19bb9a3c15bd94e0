package org.servicerecovery.events;

/**
 * Headers a record carries on a dead-letter topic. The names are those SmallRye Reactive Messaging's
 * {@code dead-letter-queue} failure strategy writes, so records dead-lettered by hand and by the framework
 * look alike to whoever triages them.
 */
public final class DeadLetterHeaders {

    /** Why the record was rejected; for contract breaches, the {@link InvalidCloudEventException} message. */
    public static final String REASON = "dead-letter-reason";
    /** The message of the underlying cause, if any. */
    public static final String CAUSE = "dead-letter-cause";
    /** Topic the record was read from. */
    public static final String TOPIC = "dead-letter-topic";
    /** Partition the record was read from. */
    public static final String PARTITION = "dead-letter-partition";
    /** Offset the record was read from, so it can be found again on its original topic. */
    public static final String OFFSET = "dead-letter-offset";

    private DeadLetterHeaders() {
    }
}
