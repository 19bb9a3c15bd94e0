package org.servicerecovery.helm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.servicerecovery.helm.Chart.at;
import static org.servicerecovery.helm.Chart.container;
import static org.servicerecovery.helm.Chart.env;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.servicerecovery.helm.Chart.Manifests;
import org.servicerecovery.helm.Chart.Workload;

/**
 * The values of docs/operations.md "Connecting to Kafka and PostgreSQL", rendered as they stand in the doc: each
 * block must be accepted by the chart and give the pods the environment and mounts the doc promises.
 */
class ConnectionsTest {

    private static final String SECTION = "## Connecting to Kafka and PostgreSQL";

    /** Each example of the section: its heading (### …, numbered when it has several) to its values block. */
    private static final Map<String, String> EXAMPLES = new LinkedHashMap<>();
    private static String section;

    @TempDir
    static Path tmp;

    @BeforeAll
    static void readTheDoc() throws IOException {
        String doc = Files.readString(Chart.DOCS.resolve("operations.md"));
        int start = doc.indexOf(SECTION);
        assertTrue(start >= 0, "operations.md has no section " + SECTION);
        int end = doc.indexOf("\n## ", start + SECTION.length());
        section = doc.substring(start, end < 0 ? doc.length() : end);
        String heading = null;
        int n = 0;
        Matcher m = Pattern.compile("^### ([^\\n]+)$|^```yaml\\n(.*?)^```$", Pattern.DOTALL | Pattern.MULTILINE).matcher(section);
        while (m.find()) {
            if (m.group(1) != null) {
                heading = m.group(1).trim();
                n = 0;
            } else {
                n++;
                EXAMPLES.put(n == 1 ? heading : heading + " " + n, m.group(2));
            }
        }
        assertEquals(List.of("Strimzi, SCRAM-SHA-512 over TLS", "Strimzi, mutual TLS", "Amazon MSK, SASL/SCRAM",
                "Confluent Cloud, SASL/PLAIN with an API key", "PostgreSQL with TLS, `verify-full`",
                "PostgreSQL with TLS, `verify-full` 2"), List.copyOf(EXAMPLES.keySet()));
    }

    @Test
    void strimziScram() throws IOException {
        Map<String, Object> intake = intake("Strimzi, SCRAM-SHA-512 over TLS");
        Map<String, Map<String, Object>> env = env(intake);
        assertEquals("SASL_SSL", value(env, "KAFKA_SECURITY_PROTOCOL"));
        assertEquals("SCRAM-SHA-512", value(env, "KAFKA_SASL_MECHANISM"));
        assertSecretRef(env, "KAFKA_SASL_JAAS_CONFIG", "service-recovery", "sasl.jaas.config");
        assertEquals("PEM", value(env, "KAFKA_SSL_TRUSTSTORE_TYPE"));
        assertEquals("/etc/service-recovery/kafka-ca/ca.crt", value(env, "KAFKA_SSL_TRUSTSTORE_LOCATION"));
        assertMountedFile(intake, "kafka-ca", "/etc/service-recovery/kafka-ca", "secret.secretName", "events-cluster-ca-cert", "ca.crt", "ca.crt");
        assertNull(env.get("KAFKA_SSL_KEYSTORE_LOCATION"));
    }

    @Test
    void strimziMutualTls() throws IOException {
        Map<String, Object> intake = intake("Strimzi, mutual TLS");
        Map<String, Map<String, Object>> env = env(intake);
        assertEquals("SSL", value(env, "KAFKA_SECURITY_PROTOCOL"));
        assertNull(env.get("KAFKA_SASL_MECHANISM"));
        assertNull(env.get("KAFKA_SASL_JAAS_CONFIG"));
        assertEquals("PEM", value(env, "KAFKA_SSL_TRUSTSTORE_TYPE"));
        assertEquals("PKCS12", value(env, "KAFKA_SSL_KEYSTORE_TYPE"));
        assertEquals("/etc/service-recovery/kafka-client/client.p12", value(env, "KAFKA_SSL_KEYSTORE_LOCATION"));
        assertSecretRef(env, "KAFKA_SSL_KEYSTORE_PASSWORD", "service-recovery", "user.password");
        assertMountedFile(intake, "kafka-client", "/etc/service-recovery/kafka-client", "secret.secretName", "service-recovery", "user.p12", "client.p12");
    }

    @Test
    void saslWithPubliclyTrustedBrokers() throws IOException {
        for (var example : Map.of("Amazon MSK, SASL/SCRAM", "SCRAM-SHA-512", "Confluent Cloud, SASL/PLAIN with an API key", "PLAIN").entrySet()) {
            Map<String, Object> intake = intake(example.getKey());
            Map<String, Map<String, Object>> env = env(intake);
            assertEquals("SASL_SSL", value(env, "KAFKA_SECURITY_PROTOCOL"), example.getKey());
            assertEquals(example.getValue(), value(env, "KAFKA_SASL_MECHANISM"), example.getKey());
            assertEquals("sasl.jaas.config", at(env.get("KAFKA_SASL_JAAS_CONFIG"), "valueFrom.secretKeyRef.key"));
            assertTrue(env.keySet().stream().noneMatch(name -> name.startsWith("KAFKA_SSL_")), example.getKey() + ": the JVM's default trust");
            assertTrue(volumes(intake).stream().noneMatch(v -> "kafka-ca".equals(v.get("name"))), example.getKey());
        }
    }

    @Test
    void postgresqlVerifyFullWithTheCaFromASecret() throws IOException {
        Manifests manifests = render("PostgreSQL with TLS, `verify-full`");
        Map<String, Object> intake = manifests.get("Deployment", Workload.INTAKE.resourceName());
        Map<String, Map<String, Object>> env = env(intake);
        Matcher rows = Pattern.compile("(?m)^\\| `([A-Z_]+)` \\| `([^`]+)` \\| `([a-z.-]+)` \\|$").matcher(section);
        int checked = 0;
        while (rows.find()) {
            assertEquals(rows.group(2), value(env, rows.group(1)), rows.group(1) + " as the doc's table says");
            checked++;
        }
        assertEquals(5, checked, "rows of the doc's table");
        assertMountedFile(intake, "db-ca", "/etc/service-recovery/db-ca", "secret.secretName", "sr-db-ca", "ca.crt", "ca.crt");
        for (Workload w : Workload.values()) {
            Map<String, Object> deployment = manifests.get("Deployment", w.resourceName());
            boolean mounted = volumes(deployment).stream().anyMatch(v -> "db-ca".equals(v.get("name")));
            assertEquals(w.database, mounted, w.component);
            assertEquals(w.database, env(deployment).containsKey("QUARKUS_DATASOURCE_REACTIVE_TRUST_CERTIFICATE_PEM_CERTS"), w.component);
        }
    }

    @Test
    void postgresqlVerifyFullWithTheCaFromAConfigMap() throws IOException {
        Map<String, Object> intake = intake("PostgreSQL with TLS, `verify-full` 2");
        Map<String, Map<String, Object>> env = env(intake);
        assertEquals("jdbc:postgresql://sr-db.a1b2c3d4e5f6.eu-west-1.rds.amazonaws.com:5432/servicerecovery"
                + "?sslmode=verify-full&sslrootcert=/etc/service-recovery/db-ca/ca.crt", value(env, "DB_JDBC_URL"));
        assertEquals("postgresql://sr-db.a1b2c3d4e5f6.eu-west-1.rds.amazonaws.com:5432/servicerecovery?sslmode=verify-full",
                value(env, "DB_REACTIVE_URL"));
        assertEquals("HTTPS", value(env, "QUARKUS_DATASOURCE_REACTIVE_HOSTNAME_VERIFICATION_ALGORITHM"));
        assertMountedFile(intake, "db-ca", "/etc/service-recovery/db-ca", "configMap.name", "rds-ca", "global-bundle.pem", "ca.crt");
    }

    @Test
    void postgresqlWithoutTlsAndTheOtherModes() {
        Map<String, Map<String, Object>> plain = env(Chart.renderDefaults().get("Deployment", Workload.INTAKE.resourceName()));
        assertEquals("postgresql://service-recovery-db-rw:5432/servicerecovery", value(plain, "DB_REACTIVE_URL"));
        assertTrue(plain.keySet().stream().noneMatch(name -> name.startsWith("QUARKUS_DATASOURCE_")), plain.keySet().toString());

        Map<String, Map<String, Object>> require = env(Chart.render(Map.of("postgresql.tls.sslMode", "require",
                "postgresql.parameters", "connectTimeout=10")).get("Deployment", Workload.INTAKE.resourceName()));
        assertEquals("jdbc:postgresql://service-recovery-db-rw:5432/servicerecovery?sslmode=require&connectTimeout=10",
                value(require, "DB_JDBC_URL"));
        assertNull(require.get("QUARKUS_DATASOURCE_REACTIVE_HOSTNAME_VERIFICATION_ALGORITHM"));

        Exception noCa = assertThrows(Exception.class, () -> Chart.render(Map.of("postgresql.tls.sslMode", "verify-ca")));
        assertTrue(noCa.getMessage().contains("need the server's CA"), noCa.getMessage());
        Exception both = assertThrows(Exception.class, () -> Chart.render(Map.of("postgresql.tls.caSecret.name", "a",
                "postgresql.tls.caConfigMap.name", "b")));
        assertTrue(both.getMessage().contains("caSecret or caConfigMap, not both"), both.getMessage());
        Exception mode = assertThrows(Exception.class, () -> Chart.render(Map.of("postgresql.tls.sslMode", "prefer")));
        assertTrue(mode.getMessage().contains("sslMode"), mode.getMessage());
    }

    private static Map<String, Object> intake(String example) throws IOException {
        return render(example).get("Deployment", Workload.INTAKE.resourceName());
    }

    private static Manifests render(String example) throws IOException {
        String values = EXAMPLES.get(example);
        assertTrue(values != null, "no example " + example);
        Path file = Files.writeString(Files.createTempFile(tmp, "values", ".yaml"), values);
        return Chart.render(file, Map.of());
    }

    private static String value(Map<String, Map<String, Object>> env, String name) {
        assertTrue(env.containsKey(name), name + " is not set; set: " + env.keySet());
        return at(env.get(name), "value");
    }

    private static void assertSecretRef(Map<String, Map<String, Object>> env, String name, String secret, String key) {
        assertEquals(secret, at(env.get(name), "valueFrom.secretKeyRef.name"), name);
        assertEquals(key, at(env.get(name), "valueFrom.secretKeyRef.key"), name);
    }

    private static List<Map<String, Object>> volumes(Map<String, Object> deployment) {
        return at(deployment, "spec.template.spec.volumes");
    }

    /** A volume `name` from a Secret or ConfigMap, its one key mounted as `file` read-only under `dir`. */
    private static void assertMountedFile(Map<String, Object> deployment, String name, String dir, String sourcePath,
            String source, String key, String file) {
        Map<String, Object> volume = volumes(deployment).stream().filter(v -> name.equals(v.get("name"))).findFirst()
                .orElseThrow(() -> new AssertionError("no volume " + name));
        assertEquals(source, at(volume, sourcePath), name);
        String items = sourcePath.substring(0, sourcePath.indexOf('.')) + ".items";
        assertEquals(List.of(Map.of("key", key, "path", file)), at(volume, items), name);
        List<Map<String, Object>> mounts = at(container(deployment), "volumeMounts");
        assertTrue(mounts.stream().anyMatch(m -> name.equals(m.get("name")) && dir.equals(m.get("mountPath"))
                && Boolean.TRUE.equals(m.get("readOnly"))), name + " mounted read-only at " + dir);
    }
}
