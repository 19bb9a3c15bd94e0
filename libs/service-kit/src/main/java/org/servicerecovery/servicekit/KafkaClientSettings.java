package org.servicerecovery.servicekit;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.eclipse.microprofile.config.Config;

/**
 * The settings every Kafka client a service creates takes: every {@code kafka.*} property and {@code KAFKA_*}
 * environment variable (bootstrap servers, security protocol, SASL mechanism and JAAS config, trust and key stores,
 * client rack …), the same ones Quarkus gives the messaging channels. So a client built by hand (the outbox relay, the
 * readiness check, the dead-letter tools, intake's watermark) reaches a secured broker exactly as the channels do.
 * Each client keeps the settings its kind knows; what the client sets itself (its id, acknowledgements, timeouts)
 * comes on top, because its guarantees depend on them.
 */
@ApplicationScoped
public class KafkaClientSettings {

    private static final String PREFIX = "kafka.";

    private final Map<String, Object> shared;

    public KafkaClientSettings(Config config) {
        this.shared = read(config);
    }

    public String bootstrapServers() {
        return String.valueOf(shared.get(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG));
    }

    public Map<String, Object> producer(Map<String, Object> own) {
        return merged(ProducerConfig.configNames(), own);
    }

    public Map<String, Object> consumer(Map<String, Object> own) {
        return merged(ConsumerConfig.configNames(), own);
    }

    public Map<String, Object> admin(Map<String, Object> own) {
        return merged(AdminClientConfig.configNames(), own);
    }

    private Map<String, Object> merged(Set<String> known, Map<String, Object> own) {
        Map<String, Object> settings = new HashMap<>();
        shared.forEach((name, value) -> {
            if (known.contains(name)) {
                settings.put(name, value);
            }
        });
        settings.putAll(own);
        return settings;
    }

    /**
     * Names as properties ({@code kafka.sasl.jaas.config}) or environment variables ({@code KAFKA_SASL_JAAS_CONFIG}),
     * each value looked up by its property name so that the configuration's own precedence decides between them.
     */
    private static Map<String, Object> read(Config config) {
        Map<String, Object> settings = new TreeMap<>();
        for (String name : config.getPropertyNames()) {
            String lower = name.toLowerCase(Locale.ROOT);
            if (lower.length() > PREFIX.length() && (lower.startsWith(PREFIX) || lower.startsWith("kafka_"))) {
                String setting = lower.substring(PREFIX.length()).replace('_', '.');
                config.getOptionalValue(PREFIX + setting, String.class)
                        .or(() -> config.getOptionalValue(name, String.class))
                        .ifPresent(value -> settings.put(setting, value));
            }
        }
        return Map.copyOf(settings);
    }
}
