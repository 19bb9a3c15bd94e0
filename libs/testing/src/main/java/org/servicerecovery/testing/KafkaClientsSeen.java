package org.servicerecovery.testing;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.metrics.KafkaMetric;
import org.apache.kafka.common.metrics.MetricsReporter;

/**
 * A Kafka metrics reporter that only remembers which clients started with it. Every {@code @QuarkusTest} service gets
 * it as {@code kafka.metric.reporters} ({@link RealInfrastructure}), a setting no client sets itself: a client that
 * shows up here took the service's shared Kafka settings, as it must to reach a secured broker.
 */
public class KafkaClientsSeen implements MetricsReporter {

    private static final Set<String> CLIENT_IDS = ConcurrentHashMap.newKeySet();

    public static Set<String> clientIds() {
        return Set.copyOf(CLIENT_IDS);
    }

    @Override
    public void configure(Map<String, ?> configs) {
        Object clientId = configs.get(CommonClientConfigs.CLIENT_ID_CONFIG);
        if (clientId != null) {
            CLIENT_IDS.add(clientId.toString());
        }
    }

    @Override
    public void init(List<KafkaMetric> metrics) {
    }

    @Override
    public void metricChange(KafkaMetric metric) {
    }

    @Override
    public void metricRemoval(KafkaMetric metric) {
    }

    @Override
    public void close() {
    }
}
