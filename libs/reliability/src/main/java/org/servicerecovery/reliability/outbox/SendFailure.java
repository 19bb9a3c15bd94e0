package org.servicerecovery.reliability.outbox;

import java.util.concurrent.ExecutionException;

import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.ApplicationRecoverableException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.TransactionAbortableException;
import org.apache.kafka.common.errors.UnknownServerException;
import org.apache.kafka.common.errors.UnsupportedVersionException;

/** What the relay does with an outbox row whose send failed. */
enum SendFailure {

    /**
     * Kafka will never take this record as it is (larger than the producer or broker accepts, an invalid topic or
     * record, a payload that cannot be serialised): the row is parked so that it does not hold up the rows behind it.
     */
    REFUSED,
    /**
     * Kafka, or the way to it, is unavailable or not allowing us (an outage, missing ACLs): the row stays and is sent
     * again; this is not the row's fault, so parking it would only park every row.
     */
    TRANSIENT,
    /**
     * The producer cannot be trusted any more (fenced, out of sequence, a fatal error state that Kafka's producer never
     * leaves, closed): the row stays and is sent again by a new producer. An authentication failure belongs here: one
     * that hits the idempotent producer while it asks for its producer id puts it in that fatal state, so it would go on
     * failing with the same exception after the credentials are right again.
     */
    PRODUCER_BROKEN;

    static SendFailure of(Throwable failure) {
        Throwable cause = failure instanceof ExecutionException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof SerializationException) {
            return REFUSED;
        }
        if (!(cause instanceof ApiException) || cause instanceof ApplicationRecoverableException
                || cause instanceof OutOfOrderSequenceException || cause instanceof ClusterAuthorizationException
                || cause instanceof UnsupportedVersionException || cause instanceof AuthenticationException) {
            return PRODUCER_BROKEN;
        }
        if (cause instanceof RetriableException || cause instanceof AuthorizationException || cause instanceof UnknownServerException
                || cause instanceof InvalidRequestException || cause instanceof TransactionAbortableException
                || cause instanceof InvalidTxnStateException) {
            return TRANSIENT;
        }
        // RecordTooLarge, RecordBatchTooLarge, InvalidTopic, InvalidRecord and any other refusal of this one record.
        return REFUSED;
    }
}
