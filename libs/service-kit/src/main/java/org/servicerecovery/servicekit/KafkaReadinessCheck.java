package org.servicerecovery.servicekit;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import io.quarkus.arc.properties.IfBuildProperty;

/**
 * Ready only while the Kafka cluster answers; a service that cannot publish its outbox must not take traffic. Asks the
 * cluster on every call, on a client of its own, so it answers for the broker and not for the state of this replica's
 * consumers: a replica the consumer group gives no partition is idle and ready, and every replica is ready again as soon
 * as the broker is back. SmallRye's per-channel readiness is off (service-kit's microprofile-config.properties).
 */
@Readiness
@ApplicationScoped
@IfBuildProperty(name = "service-kit.kafka-readiness.enabled", stringValue = "true", enableIfMissing = true)
public class KafkaReadinessCheck implements HealthCheck {

    private static final Duration TIMEOUT = Duration.ofSeconds(3);

    private final Admin admin;
    private final String bootstrapServers;

    public KafkaReadinessCheck(KafkaClientSettings kafka) {
        this.bootstrapServers = kafka.bootstrapServers();
        this.admin = Admin.create(kafka.admin(Map.of(
                AdminClientConfig.CLIENT_ID_CONFIG, "readiness-check",
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis())));
    }

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("kafka").withData("bootstrap.servers", bootstrapServers);
        try {
            int nodes = admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) TIMEOUT.toMillis()))
                    .nodes().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).size();
            return response.up().withData("nodes", nodes).build();
        } catch (Exception e) {
            return response.down().withData("error", String.valueOf(e.getMessage())).build();
        }
    }

    @PreDestroy
    void close() {
        admin.close(Duration.ofSeconds(2));
    }
}
