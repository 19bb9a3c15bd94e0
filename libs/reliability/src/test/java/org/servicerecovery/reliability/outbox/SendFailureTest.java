package org.servicerecovery.reliability.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.ExecutionException;

import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.UnknownProducerIdException;
import org.apache.kafka.common.errors.UnknownServerException;
import org.junit.jupiter.api.Test;

class SendFailureTest {

    @Test
    void whatKafkaWillNeverTakeIsParked() {
        assertEquals(SendFailure.REFUSED, SendFailure.of(new RecordTooLargeException("1.2 MB")));
        assertEquals(SendFailure.REFUSED, SendFailure.of(new ExecutionException(new RecordTooLargeException("from the broker"))));
        assertEquals(SendFailure.REFUSED, SendFailure.of(new RecordBatchTooLargeException("batch")));
        assertEquals(SendFailure.REFUSED, SendFailure.of(new InvalidTopicException("no such name")));
        assertEquals(SendFailure.REFUSED, SendFailure.of(new InvalidRecordException("compacted topic needs a key")));
        assertEquals(SendFailure.REFUSED, SendFailure.of(new SerializationException("cannot serialise")));
        assertEquals(SendFailure.REFUSED, SendFailure.of(new BatchSender.UnreadablePayload(new IllegalArgumentException("not JSON"))));
    }

    @Test
    void outagesAndMissingPermissionsAreRetriedNotParked() {
        assertEquals(SendFailure.TRANSIENT, SendFailure.of(new TimeoutException("Topic not present in metadata")));
        assertEquals(SendFailure.TRANSIENT, SendFailure.of(new NotEnoughReplicasException("isr")));
        assertEquals(SendFailure.TRANSIENT, SendFailure.of(new TopicAuthorizationException("no Write ACL")));
        assertEquals(SendFailure.TRANSIENT, SendFailure.of(new UnknownServerException("broker bug")));
    }

    @Test
    void aProducerInAFatalOrUncertainStateIsReplaced() {
        assertEquals(SendFailure.PRODUCER_BROKEN, SendFailure.of(new ProducerFencedException("fenced")));
        assertEquals(SendFailure.PRODUCER_BROKEN, SendFailure.of(new OutOfOrderSequenceException("gap")));
        assertEquals(SendFailure.PRODUCER_BROKEN, SendFailure.of(new UnknownProducerIdException("lost")));
        assertEquals(SendFailure.PRODUCER_BROKEN, SendFailure.of(new ClusterAuthorizationException("idempotent write")));
        assertEquals(SendFailure.PRODUCER_BROKEN, SendFailure.of(new IllegalStateException("producer closed")));
        assertEquals(SendFailure.PRODUCER_BROKEN, SendFailure.of(new KafkaException("unexpected")));
        // Kafka's idempotent producer never leaves the fatal state an authentication failure can put it in.
        assertEquals(SendFailure.PRODUCER_BROKEN, SendFailure.of(new SaslAuthenticationException("bad password")));
    }
}
