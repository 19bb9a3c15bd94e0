package org.servicerecovery.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class TopicTest {

    @Test
    void topicNamesAreUnique() {
        long distinct = Arrays.stream(Topic.values()).map(Topic::topicName).distinct().count();

        assertEquals(Topic.values().length, distinct);
    }

    @ParameterizedTest
    @EnumSource(Topic.class)
    void everyTopicIsFoundByNameAndFullyDescribed(Topic topic) {
        assertEquals(Optional.of(topic), Topic.byName(topic.topicName()));
        assertEquals(6, topic.partitions());
        assertTrue(!topic.purpose().isBlank() && !topic.key().isBlank());
        assertTrue(topic.retention().toDays() >= 7);
    }

    @Test
    void anUnknownNameIsEmpty() {
        assertEquals(Optional.empty(), Topic.byName("orders"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"crm.events.dlq", "promise-tracking.dlq", "recovery-escalation.dlq", "loyalty-scoring.dlq"})
    void everyConsumerHasADeadLetterTopic(String name) {
        assertTrue(Topic.byName(name).isPresent());
    }
}
