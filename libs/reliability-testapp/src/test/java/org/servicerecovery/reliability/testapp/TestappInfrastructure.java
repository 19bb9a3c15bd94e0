package org.servicerecovery.reliability.testapp;

import java.util.HashMap;
import java.util.Map;

import org.servicerecovery.localinfra.TopicCatalogue;
import org.servicerecovery.testing.RealInfrastructure;
import org.servicerecovery.testing.SharedInfrastructure;

/** The shared infrastructure plus this application's dead-letter topic, which is not in the product's catalogue. */
public class TestappInfrastructure extends RealInfrastructure {

    static final String DLQ = "reliability-testapp.dlq";

    @Override
    public Map<String, String> start() {
        Map<String, String> config = new HashMap<>(super.start());
        TopicCatalogue.ensureTopic(SharedInfrastructure.get().kafkaBootstrapServers(), DLQ, 1);
        config.put("reliability.timers.max-attempts", "3");
        return config;
    }
}
