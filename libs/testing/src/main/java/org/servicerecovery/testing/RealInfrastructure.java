package org.servicerecovery.testing;

import java.util.HashMap;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * The Quarkus test resource of every service: a real Kafka broker and a real PostgreSQL, started once per test JVM
 * (embedded, or containers where a Docker engine is reachable) and shared by all its tests, which isolate themselves
 * with unique ids.
 */
public class RealInfrastructure implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        Map<String, String> config = new HashMap<>(SharedInfrastructure.get().serviceConfig());
        config.put("kafka.metric.reporters", KafkaClientsSeen.class.getName());
        return config;
    }

    @Override
    public void stop() {
        // Shared by every Quarkus application started in this JVM; stopped by a shutdown hook when the JVM ends.
    }
}
