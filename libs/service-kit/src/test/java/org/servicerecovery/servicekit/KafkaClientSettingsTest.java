package org.servicerecovery.servicekit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;

class KafkaClientSettingsTest {

    private final KafkaClientSettings settings = new KafkaClientSettings(new SmallRyeConfigBuilder()
            .withSources(new PropertiesConfigSource(Map.of(
                    "kafka.bootstrap.servers", "from-properties:9092",
                    "kafka.client.rack", "zone-a",
                    "kafka.fetch.min.bytes", "16384",
                    "mp.messaging.incoming.crm.topic", "crm.events"), "application.properties", 250))
            .withSources(new EnvConfigSource(Map.of(
                    "KAFKA_BOOTSTRAP_SERVERS", "broker-0.kafka:9093",
                    "KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                    "KAFKA_SASL_MECHANISM", "SCRAM-SHA-512",
                    "KAFKA_SASL_JAAS_CONFIG", "org.apache.kafka.common.security.scram.ScramLoginModule required;",
                    "KAFKA_SSL_TRUSTSTORE_LOCATION", "/etc/kafka/ca.crt",
                    "PATH", "/usr/bin"), 300))
            .build());

    @Test
    void environmentVariablesAndPropertiesReachEveryKindOfClientWithTheEnvironmentWinning() {
        for (Map<String, Object> client : new Map[] {settings.producer(Map.of()), settings.consumer(Map.of()),
                settings.admin(Map.of())}) {
            assertEquals("broker-0.kafka:9093", client.get("bootstrap.servers"));
            assertEquals("SASL_SSL", client.get("security.protocol"));
            assertEquals("SCRAM-SHA-512", client.get("sasl.mechanism"));
            assertEquals("org.apache.kafka.common.security.scram.ScramLoginModule required;", client.get("sasl.jaas.config"));
            assertEquals("/etc/kafka/ca.crt", client.get("ssl.truststore.location"));
        }
        assertEquals("broker-0.kafka:9093", settings.bootstrapServers());
    }

    @Test
    void eachClientKeepsTheSettingsOfItsKindAndItsOwnOnTop() {
        assertEquals("zone-a", settings.consumer(Map.of()).get("client.rack"));
        assertEquals("16384", settings.consumer(Map.of()).get("fetch.min.bytes"));
        assertFalse(settings.producer(Map.of()).containsKey("fetch.min.bytes"));
        assertFalse(settings.admin(Map.of()).containsKey("client.rack"));
        assertEquals("relay", settings.producer(Map.of("client.id", "relay")).get("client.id"));
        assertFalse(settings.producer(Map.of()).keySet().stream().anyMatch(key -> key.contains("messaging")));
    }
}
