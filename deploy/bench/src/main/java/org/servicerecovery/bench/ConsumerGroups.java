package org.servicerecovery.bench;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.servicerecovery.events.Topic;

/**
 * Services read their topics from the beginning. In a full run the earlier sections leave hundreds of thousands of
 * events there, and each section is to be measured on its own traffic, not on that backlog.
 */
final class ConsumerGroups {

    private ConsumerGroups() {
    }

    /** Commits the end of {@code topics} for {@code group}, before the service of that group starts. */
    static void startAtEnd(String bootstrapServers, String group, List<Topic> topics) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            admin.describeTopics(topics.stream().map(Topic::topicName).toList()).allTopicNames().get()
                    .values().forEach(topic -> topic.partitions().forEach(partition -> latest.put(
                            new TopicPartition(topic.name(), partition.partition()), OffsetSpec.latest())));
            Map<TopicPartition, OffsetAndMetadata> ends = new HashMap<>();
            admin.listOffsets(latest).all().get()
                    .forEach((partition, end) -> ends.put(partition, new OffsetAndMetadata(end.offset())));
            admin.alterConsumerGroupOffsets(group, ends).all().get();
        }
    }
}
