package org.servicerecovery.helm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.servicerecovery.helm.Chart.at;
import static org.servicerecovery.helm.Chart.container;
import static org.servicerecovery.helm.Chart.entry;
import static org.servicerecovery.helm.Chart.env;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.marcnuri.helm.LintResult;
import org.servicerecovery.helm.Chart.Manifests;
import org.servicerecovery.helm.Chart.Workload;

class ChartTest {

    private static final Pattern SECRET_LIKE = Pattern.compile(".*(PASSWORD|SECRET|JAAS|TOKEN|CREDENTIAL).*");

    private static Manifests defaults;
    private static Manifests production;

    @BeforeAll
    static void render() {
        defaults = Chart.renderDefaults();
        production = Chart.render(Chart.PRODUCTION_VALUES, Map.of());
    }

    @Test
    void lintsWithoutErrorsOrWarnings() {
        LintResult result = Chart.helm().lint().strict().call();
        assertFalse(result.isFailed(), () -> String.join("\n", result.getMessages()));
    }

    @Test
    void everyWorkloadIsADeploymentWithAServiceByDefault() {
        for (Workload w : Workload.values()) {
            Map<String, Object> deployment = defaults.get("Deployment", w.resourceName());
            Map<String, Object> service = defaults.get("Service", w.resourceName());
            assertEquals(w.port, (Integer) at(container(deployment), "ports.0.containerPort"), w.component);
            assertEquals(w.port, (Integer) at(service, "spec.ports.0.port"), w.component);
            assertEquals(w.component, entry(service, "spec.selector", "app.kubernetes.io/component"));
            assertEquals("registry.example.com/service-recovery/" + w.component + ":0.1.0-SNAPSHOT",
                    at(container(deployment), "image"));
        }
        assertEquals(5, defaults.ofKind("Deployment").size());
    }

    @Test
    void probesUseTheQuarkusHealthEndpoints() {
        for (Manifests manifests : List.of(defaults, production)) {
            for (Map<String, Object> deployment : manifests.ofKind("Deployment")) {
                Map<String, Object> c = container(deployment);
                assertEquals("/q/health/started", at(c, "startupProbe.httpGet.path"));
                assertEquals("/q/health/live", at(c, "livenessProbe.httpGet.path"));
                assertEquals("/q/health/ready", at(c, "readinessProbe.httpGet.path"));
                assertEquals("http", at(c, "readinessProbe.httpGet.port"));
            }
        }
    }

    @Test
    void everyWorkloadHasResourcesAndANonRootReadOnlySecurityContext() {
        for (Manifests manifests : List.of(defaults, production)) {
            for (Map<String, Object> deployment : manifests.ofKind("Deployment")) {
                String name = at(deployment, "metadata.name");
                Map<String, Object> c = container(deployment);
                assertNotNull(at(c, "resources.requests.cpu"), name);
                assertNotNull(at(c, "resources.requests.memory"), name);
                assertNotNull(at(c, "resources.limits.memory"), name);
                assertEquals(Boolean.TRUE, at(deployment, "spec.template.spec.securityContext.runAsNonRoot"), name);
                assertEquals(Boolean.TRUE, at(c, "securityContext.runAsNonRoot"), name);
                assertEquals(Boolean.TRUE, at(c, "securityContext.readOnlyRootFilesystem"), name);
                assertEquals(Boolean.FALSE, at(c, "securityContext.allowPrivilegeEscalation"), name);
                assertEquals(List.of("ALL"), at(c, "securityContext.capabilities.drop"), name);
                assertEquals(Boolean.FALSE, at(deployment, "spec.template.spec.automountServiceAccountToken"), name);
                // the read-only root filesystem needs a writable /tmp
                List<Map<String, Object>> mounts = at(c, "volumeMounts");
                assertTrue(mounts.stream().anyMatch(m -> "/tmp".equals(m.get("mountPath"))), name);
                List<Map<String, Object>> volumes = at(deployment, "spec.template.spec.volumes");
                assertTrue(volumes.stream().anyMatch(v -> "tmp".equals(v.get("name")) && v.containsKey("emptyDir")), name);
            }
        }
    }

    @Test
    void dataServicesAreWiredToKafkaAndPostgresqlThroughSecretRefs() {
        for (Workload w : Workload.values()) {
            Map<String, Map<String, Object>> env = env(defaults.get("Deployment", w.resourceName()));
            assertEquals("kubernetes", at(env.get("QUARKUS_PROFILE"), "value"));
            assertNotNull(env.get("JWT_ISSUER"), w.component);
            assertNotNull(env.get("JWT_PUBLIC_KEY_LOCATION"), w.component);
            assertNull(env.get("JWT_AUDIENCE"), w.component);
            if (!w.database) {
                assertNull(env.get("DB_JDBC_URL"), w.component);
                assertNull(env.get("KAFKA_BOOTSTRAP_SERVERS"), w.component);
                continue;
            }
            assertEquals("my-cluster-kafka-bootstrap.kafka:9092", at(env.get("KAFKA_BOOTSTRAP_SERVERS"), "value"));
            assertEquals("jdbc:postgresql://service-recovery-db-rw:5432/servicerecovery", at(env.get("DB_JDBC_URL"), "value"));
            assertEquals("postgresql://service-recovery-db-rw:5432/servicerecovery", at(env.get("DB_REACTIVE_URL"), "value"));
            assertEquals("service-recovery-db-app", at(env.get("DB_USER"), "valueFrom.secretKeyRef.name"));
            assertEquals("username", at(env.get("DB_USER"), "valueFrom.secretKeyRef.key"));
            assertEquals("password", at(env.get("DB_PASSWORD"), "valueFrom.secretKeyRef.key"));
            assertEquals("10", at(env.get("DB_POOL_SIZE"), "value"));
        }
    }

    @Test
    void productionValuesWireSaslTlsOidcAndTracingFromSecrets() {
        Map<String, Object> intake = production.get("Deployment", Workload.INTAKE.resourceName());
        Map<String, Map<String, Object>> env = env(intake);
        assertEquals("events-kafka-bootstrap.kafka:9093", at(env.get("KAFKA_BOOTSTRAP_SERVERS"), "value"));
        assertEquals("SASL_SSL", at(env.get("KAFKA_SECURITY_PROTOCOL"), "value"));
        assertEquals("SCRAM-SHA-512", at(env.get("KAFKA_SASL_MECHANISM"), "value"));
        assertEquals("service-recovery", at(env.get("KAFKA_SASL_JAAS_CONFIG"), "valueFrom.secretKeyRef.name"));
        assertEquals("sasl.jaas.config", at(env.get("KAFKA_SASL_JAAS_CONFIG"), "valueFrom.secretKeyRef.key"));
        assertEquals("PEM", at(env.get("KAFKA_SSL_TRUSTSTORE_TYPE"), "value"));
        assertEquals("/etc/service-recovery/kafka-ca/ca.crt", at(env.get("KAFKA_SSL_TRUSTSTORE_LOCATION"), "value"));
        List<Map<String, Object>> volumes = at(intake, "spec.template.spec.volumes");
        assertTrue(volumes.stream().anyMatch(v -> "events-cluster-ca-cert".equals(at(v, "secret.secretName"))));
        assertEquals("jdbc:postgresql://sr-db-rw:5432/servicerecovery?sslmode=verify-full&sslrootcert=/etc/service-recovery/db-ca/ca.crt",
                at(env.get("DB_JDBC_URL"), "value"));
        assertEquals("sr-db-app", at(env.get("DB_PASSWORD"), "valueFrom.secretKeyRef.name"));
        assertEquals("https://sso.example.com/realms/service-recovery/protocol/openid-connect/certs",
                at(env.get("JWT_PUBLIC_KEY_LOCATION"), "value"));
        assertEquals("service-recovery", at(env.get("JWT_AUDIENCE"), "value"));
        assertEquals("false", at(env.get("QUARKUS_OTEL_SDK_DISABLED"), "value"));
        assertEquals("registry.example.com/service-recovery/intake:1.0.0", at(container(intake), "image"));

        Map<String, Map<String, Object>> console = env(production.get("Deployment", Workload.CONSOLE.resourceName()));
        assertEquals("true", at(console.get("OIDC_ENABLED"), "value"));
        assertEquals("https://sso.example.com/realms/service-recovery", at(console.get("OIDC_AUTH_SERVER_URL"), "value"));
        assertEquals("service-recovery-console", at(console.get("OIDC_CLIENT_ID"), "value"));
        assertEquals("service-recovery-console-oidc", at(console.get("OIDC_CLIENT_SECRET"), "valueFrom.secretKeyRef.name"));
        assertEquals("http://sr-service-recovery-promise-tracking:8082", at(console.get("PROMISE_TRACKING_URL"), "value"));
        assertNull(console.get("KAFKA_SASL_JAAS_CONFIG"), "the console does not use Kafka");
    }

    @Test
    void noSecretIsEverInline() {
        for (Manifests manifests : List.of(defaults, production)) {
            assertTrue(manifests.ofKind("Secret").isEmpty(), "the chart must not create Secrets");
            for (Map<String, Object> deployment : manifests.ofKind("Deployment")) {
                env(deployment).forEach((name, entry) -> {
                    if (SECRET_LIKE.matcher(name).matches()) {
                        assertNull(entry.get("value"), name + " must come from a Secret");
                        assertNotNull(at(entry, "valueFrom.secretKeyRef.name"), name);
                    }
                });
            }
        }
    }

    @Test
    void policyAndWeightsAreTheShippedOnesUnlessSetAndThenMountedFromConfigMaps() {
        assertTrue(defaults.find("ConfigMap", "sr-service-recovery-recovery-policy").isEmpty());
        assertTrue(defaults.find("ConfigMap", "sr-service-recovery-scoring-weights").isEmpty());
        assertNull(env(defaults.get("Deployment", Workload.RECOVERY_ESCALATION.resourceName())).get("RECOVERY_POLICY_FILE"));
        assertNull(env(defaults.get("Deployment", Workload.LOYALTY_SCORING.resourceName())).get("SCORING_WEIGHTS_FILE"));

        Manifests custom = Chart.render(Map.of("recoveryPolicy", "id: default", "scoringWeights", "version: 2"));
        Map<String, Object> policy = custom.get("ConfigMap", "sr-service-recovery-recovery-policy");
        assertTrue(((String) entry(policy, "data", "policy.yaml")).contains("id: default"));
        Map<String, Object> weights = custom.get("ConfigMap", "sr-service-recovery-scoring-weights");
        assertTrue(((String) entry(weights, "data", "weights.yaml")).contains("version: 2"));
        assertMount(custom, Workload.RECOVERY_ESCALATION, "/config/policies", "RECOVERY_POLICY_FILE");
        assertMount(custom, Workload.LOYALTY_SCORING, "/config/scoring", "SCORING_WEIGHTS_FILE");
    }

    private static void assertMount(Manifests manifests, Workload w, String path, String envName) {
        Map<String, Object> deployment = manifests.get("Deployment", w.resourceName());
        List<Map<String, Object>> mounts = at(container(deployment), "volumeMounts");
        assertTrue(mounts.stream().anyMatch(m -> path.equals(m.get("mountPath")) && Boolean.TRUE.equals(m.get("readOnly"))),
                w.component + " mounts " + path);
        assertTrue(((String) at(env(deployment).get(envName), "value")).startsWith(path));
        assertNotNull(at(deployment, "spec.template.metadata.annotations"), "checksum annotation rolls pods on change");
    }

    @Test
    void autoscalingDisruptionBudgetsAndNetworkPoliciesCoverEveryWorkload() {
        for (Workload w : Workload.values()) {
            Map<String, Object> hpa = defaults.get("HorizontalPodAutoscaler", w.resourceName());
            assertEquals(w.resourceName(), at(hpa, "spec.scaleTargetRef.name"));
            assertTrue((Integer) at(hpa, "spec.maxReplicas") <= 6, "no more replicas than the 6 partitions");
            assertNull(at(defaults.get("Deployment", w.resourceName()), "spec.replicas"), "the HPA owns replicas");
            assertEquals(1, (Integer) at(defaults.get("PodDisruptionBudget", w.resourceName()), "spec.minAvailable"));
            Map<String, Object> policy = defaults.get("NetworkPolicy", w.resourceName());
            assertEquals(w.port, (Integer) at(policy, "spec.ingress.0.ports.0.port"));
        }
        Manifests fixed = Chart.render(Map.of("workloads.intake.autoscaling.enabled", "false", "workloads.intake.replicaCount", "3"));
        assertTrue(fixed.find("HorizontalPodAutoscaler", Workload.INTAKE.resourceName()).isEmpty());
        assertEquals(3, (Integer) at(fixed.get("Deployment", Workload.INTAKE.resourceName()), "spec.replicas"));
        assertTrue(fixed.find("PodDisruptionBudget", Workload.INTAKE.resourceName()).isPresent());
        Manifests single = Chart.render(Map.of("workloads.intake.autoscaling.enabled", "false", "workloads.intake.replicaCount", "1"));
        assertTrue(single.find("PodDisruptionBudget", Workload.INTAKE.resourceName()).isEmpty(),
                "a budget on one replica would block node drains");
    }

    @ParameterizedTest
    @EnumSource(Workload.class)
    void eachWorkloadCanBeDisabled(Workload disabled) {
        Manifests manifests = Chart.render(Map.of("workloads." + disabled.key + ".enabled", "false"));
        for (String kind : List.of("Deployment", "Service", "HorizontalPodAutoscaler", "PodDisruptionBudget", "NetworkPolicy")) {
            assertTrue(manifests.find(kind, disabled.resourceName()).isEmpty(), kind + " of " + disabled.component);
            for (Workload other : Workload.values()) {
                if (other != disabled) {
                    assertTrue(manifests.find(kind, other.resourceName()).isPresent(), kind + " of " + other.component);
                }
            }
        }
    }

    @Test
    void operatorResourcesOnlyWhenEnabled() {
        for (String kind : List.of("ServiceMonitor", "PrometheusRule", "KafkaTopic", "Ingress")) {
            assertTrue(defaults.ofKind(kind).isEmpty(), kind + " is off by default");
            assertFalse(production.ofKind(kind).isEmpty(), kind + " is on in the production values");
        }
        assertTrue(defaults.find("ConfigMap", "sr-service-recovery-dashboard").isEmpty());
    }

    @Test
    void kafkaTopicsCoverTheCatalogueWithPartitionsAndRetention() {
        List<Map<String, Object>> topics = production.ofKind("KafkaTopic");
        assertEquals(10, topics.size());
        Map<String, Map<String, Object>> byName = topics.stream()
                .collect(Collectors.toMap(t -> at(t, "spec.topicName"), t -> t));
        assertEquals(Set.of("crm.events", "crm.events.dlq", "intake.events", "promise.events", "recovery.events",
                "outreach.requests", "loyalty.events", "promise-tracking.dlq", "recovery-escalation.dlq",
                "loyalty-scoring.dlq"), byName.keySet());
        for (Map<String, Object> topic : topics) {
            assertEquals("kafka.strimzi.io/v1beta2", topic.get("apiVersion"));
            assertEquals("events", entry(topic, "metadata.labels", "strimzi.io/cluster"));
            assertEquals("kafka", at(topic, "metadata.namespace"));
            assertEquals(6, (Integer) at(topic, "spec.partitions"));
            assertEquals(3, (Integer) at(topic, "spec.replicas"));
        }
        assertEquals(604800000L, ((Number) entry(byName.get("crm.events"), "spec.config", "retention.ms")).longValue());
        assertEquals(2592000000L, ((Number) entry(byName.get("intake.events"), "spec.config", "retention.ms")).longValue());
        Manifests twelve = Chart.render(Chart.PRODUCTION_VALUES, Map.of("kafkaTopics.topics.intakeEvents.partitions", "12"));
        assertEquals(12, (Integer) at(twelve.get("KafkaTopic", "intake-events"), "spec.partitions"));
    }

    @Test
    void everyAlertLinksToAnExistingRunbookSection() throws IOException {
        Map<String, Object> rule = production.ofKind("PrometheusRule").get(0);
        String runbook = Files.readString(Chart.DOCS.resolve("runbook.md"));
        Set<String> anchors = Pattern.compile("(?m)^#{2,3} (.+)$").matcher(runbook).results()
                .map(m -> m.group(1).trim().toLowerCase().replaceAll("[^a-z0-9 -]", "").replace(' ', '-'))
                .collect(Collectors.toSet());
        List<Map<String, Object>> groups = at(rule, "spec.groups");
        Set<String> alerts = new java.util.TreeSet<>();
        for (Map<String, Object> group : groups) {
            List<Map<String, Object>> rules = at(group, "rules");
            for (Map<String, Object> alert : rules) {
                String name = (String) alert.get("alert");
                alerts.add(name);
                String url = at(alert, "annotations.runbook_url");
                Matcher anchor = Pattern.compile("runbook\\.md#(.+)$").matcher(url);
                assertTrue(anchor.find(), url);
                assertTrue(anchors.contains(anchor.group(1)), name + " links to #" + anchor.group(1) + ", not in runbook.md");
                assertEquals("customer-care", at(alert, "labels.team"));
                assertTrue(((String) alert.get("expr")).contains("namespace=\"recovery\""), name + " is scoped to the release namespace");
            }
        }
        assertTrue(alerts.containsAll(Set.of("ServiceRecoveryMissedPromisesSpike", "ServiceRecoveryStepsOverdue",
                "ServiceRecoveryOutboxStalled", "ServiceRecoveryOutboxRelayStuck", "ServiceRecoveryOutboxParked",
                "ServiceRecoveryDeadLetters", "ServiceRecoveryConsumerLag", "ServiceRecoveryTimersLate")), alerts.toString());
    }

    @Test
    void grafanaDashboardShipsAsValidJsonInAConfigMap() throws IOException {
        Map<String, Object> cm = production.get("ConfigMap", "sr-service-recovery-dashboard");
        assertEquals("1", entry(cm, "metadata.labels", "grafana_dashboard"));
        String json = (String) entry(cm, "data", "service-recovery.json");
        JsonNode dashboard = new ObjectMapper().readTree(json);
        assertEquals("service-recovery", dashboard.get("uid").asText());
        String exprs = dashboard.findValuesAsText("expr").toString();
        for (String metric : List.of("promises_missed_total", "steps_overdue", "outbox_oldest_age_seconds",
                "outbox_seconds_since_progress", "outbox_parked_rows",
                "kafka_consumer_fetch_manager_records_lag_max", "timers_lateness_seconds_bucket", "cases_open")) {
            assertTrue(exprs.contains(metric), metric);
        }
    }

    /**
     * Every replica reports the same value for a gauge counted over the database (scope="database"): summed over two
     * replicas it would double, so dashboards and alerts take the max.
     */
    @Test
    void gaugesOfTheDatabaseAreNeverSummedOverReplicas() throws IOException {
        Pattern databaseGauge = Pattern.compile("\\b(promises_pending|cases_open|steps_overdue|timers_pending|outbox_backlog"
                + "|outbox_oldest_age_seconds|outbox_parked_rows|outbox_seconds_since_progress)\\b");
        String json = (String) entry(production.get("ConfigMap", "sr-service-recovery-dashboard"), "data", "service-recovery.json");
        List<String> exprs = new java.util.ArrayList<>();
        new ObjectMapper().readTree(json).findValuesAsText("expr").forEach(exprs::add);
        List<Map<String, Object>> groups = at(production.ofKind("PrometheusRule").get(0), "spec.groups");
        for (Map<String, Object> group : groups) {
            List<Map<String, Object>> rules = at(group, "rules");
            rules.forEach(rule -> exprs.add((String) rule.get("expr")));
        }
        List<String> reading = exprs.stream().filter(expr -> databaseGauge.matcher(expr).find()).toList();
        assertTrue(reading.size() >= 8, reading.toString());
        for (String expr : reading) {
            assertTrue(expr.strip().startsWith("max") && !expr.contains("sum"), expr);
        }
    }

    @Test
    void serviceMonitorScrapesQuarkusMetrics() {
        Map<String, Object> sm = production.ofKind("ServiceMonitor").get(0);
        assertEquals("/q/metrics", at(sm, "spec.endpoints.0.path"));
        assertEquals("http", at(sm, "spec.endpoints.0.port"));
        assertEquals("app.kubernetes.io/component", at(sm, "spec.jobLabel"));
    }

    @Test
    void schemaRejectsAWrongValueWithAClearMessage() {
        Exception replicas = assertThrows(Exception.class,
                () -> Chart.render(Map.of("workloads.intake.replicaCount", "two")));
        assertTrue(replicas.getMessage().contains("replicaCount"), replicas.getMessage());
        Exception protocol = assertThrows(Exception.class, () -> Chart.render(Map.of("kafka.securityProtocol", "TLS")));
        assertTrue(protocol.getMessage().contains("securityProtocol"), protocol.getMessage());
        Exception readOnly = assertThrows(Exception.class,
                () -> Chart.render(Map.of("securityContext.readOnlyRootFilesystem", "false")));
        assertTrue(readOnly.getMessage().contains("readOnlyRootFilesystem"), readOnly.getMessage());
        Exception unknown = assertThrows(Exception.class, () -> Chart.render(Map.of("workloads.billing.enabled", "true")));
        assertTrue(unknown.getMessage().contains("billing"), unknown.getMessage());
    }

    @Test
    void saslWithoutItsSecretFailsWithAClearMessage() {
        Exception e = assertThrows(Exception.class, () -> Chart.render(Map.of("kafka.securityProtocol", "SASL_SSL")));
        assertTrue(e.getMessage().contains("kafka.sasl.jaasConfigSecret.name is required"), e.getMessage());
    }

    @Test
    void notesListTheSecretsAndWarnAboutReplicasBeyondPartitions() {
        String notes = Chart.helm().install().withName(Chart.RELEASE).withNamespace(Chart.NAMESPACE)
                .withValuesFile(Chart.PRODUCTION_VALUES).set("workloads.intake.autoscaling.maxReplicas", "8")
                .dryRun().clientOnly().call().getOutput();
        assertTrue(notes.contains("sr-db-app (keys username, password)"), notes);
        assertTrue(notes.contains("service-recovery (key sasl.jaas.config)"), notes);
        assertTrue(notes.contains("WARNING: intake may run 8 replicas but crm.events has 6 partitions"), notes);
        assertFalse(notes.contains("WARNING: promise-tracking"), notes);
    }

    @Test
    void readmeDocumentsEveryValue() throws IOException {
        Map<String, Object> values = new com.fasterxml.jackson.dataformat.yaml.YAMLMapper()
                .readValue(Chart.DIR.resolve("values.yaml").toFile(), Map.class);
        Set<String> paths = new java.util.TreeSet<>();
        collectValuePaths(values, "", paths);
        assertTrue(paths.size() > 80, paths.toString());
        String readme = Files.readString(Chart.DIR.resolve("README.md"));
        List<String> missing = paths.stream().filter(path -> !readme.contains("| `" + path + "` |")).toList();
        assertTrue(missing.isEmpty(), "values missing from the chart README: " + missing);
    }

    /** Values whose content is free-form (maps handed to Kubernetes as they are) count as one value. */
    private static final Set<String> OPAQUE = Set.of("resources", "env", "extraEnvFrom", "nodeSelector", "tolerations",
            "affinity", "podSecurityContext", "securityContext", "commonLabels", "podAnnotations", "annotations", "labels",
            "alertLabels", "config", "ingressControllerNamespaceSelector", "prometheusNamespaceSelector", "intakeFrom",
            "recoveryPolicy", "imagePullSecrets");

    @SuppressWarnings("unchecked")
    private static void collectValuePaths(Object node, String path, Set<String> paths) {
        String key = path.substring(path.lastIndexOf('.') + 1);
        if (node instanceof Map<?, ?> map && !map.isEmpty() && !OPAQUE.contains(key)) {
            ((Map<String, Object>) map).forEach((k, v) -> collectValuePaths(v, path.isEmpty() ? k : path + "." + k, paths));
            return;
        }
        String[] parts = path.split("\\.");
        if (parts[0].equals("workloads") && parts.length > 2 && !parts[2].equals("oidc")) {
            parts[1] = "<name>";
        }
        if (parts[0].equals("kafkaTopics") && parts.length > 2 && parts[1].equals("topics")) {
            parts[2] = "<topic>";
        }
        paths.add(String.join(".", parts));
    }
}
