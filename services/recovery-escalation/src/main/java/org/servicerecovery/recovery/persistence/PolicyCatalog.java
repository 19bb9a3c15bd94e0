package org.servicerecovery.recovery.persistence;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;
import org.servicerecovery.recovery.RecoveryConfig;
import org.servicerecovery.recovery.domain.Policy;
import org.servicerecovery.recovery.domain.PolicyParser;

import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The published policy versions. PostgreSQL is the truth (table policy_version, one immutable row per version); parsed
 * versions are kept in memory, which is safe because a version never changes. At start-up the policy file (mounted or
 * shipped) becomes version 1, or the next version when it changed since it was last published.
 */
@ApplicationScoped
public class PolicyCatalog {

    private static final Logger LOG = Logger.getLogger(PolicyCatalog.class);
    private static final String FROM_FILE = "file";

    /** A published version as the admin API lists it. */
    public record Published(int version, String policyId, Instant publishedAt, String publishedBy, String yaml) {
    }

    private final Pool pool;
    private final Clock clock;
    private final RecoveryConfig config;
    private final Map<Integer, Policy> parsed = new ConcurrentHashMap<>();

    public PolicyCatalog(Pool pool, Clock clock, RecoveryConfig config) {
        this.pool = pool;
        this.clock = clock;
        this.config = config;
    }

    void start(@Observes StartupEvent startup) {
        String yaml = policyFile();
        // Validated before anything is stored: a broken mounted file stops the service with every error listed.
        PolicyParser.parse(yaml, 1);
        // Compared with the last version that came from the file, not the latest: a version an admin published
        // through the API must survive a restart with an unchanged file.
        published().chain(all -> all.stream().filter(p -> FROM_FILE.equals(p.publishedBy()))
                        .reduce((first, second) -> second).map(Published::yaml).filter(yaml::equals).isPresent()
                        ? Uni.createFrom().voidItem()
                        : publish(yaml, FROM_FILE).invoke(p -> LOG.infof(
                                "Recovery policy %s v%d published from the policy file", p.id(), p.version()))
                                .replaceWithVoid())
                .await().atMost(Duration.ofSeconds(30));
    }

    /** The version new cases get. */
    public Uni<Policy> current() {
        return pool.query("SELECT max(version) FROM policy_version").execute()
                .chain(rows -> version(rows.iterator().next().getInteger(0)));
    }

    /** A version a case is pinned to. */
    public Uni<Policy> version(int version) {
        Policy known = parsed.get(version);
        if (known != null) {
            return Uni.createFrom().item(known);
        }
        return pool.preparedQuery("SELECT yaml FROM policy_version WHERE version = $1").execute(Tuple.of(version))
                .map(rows -> {
                    if (!rows.iterator().hasNext()) {
                        throw new IllegalStateException("no recovery policy version " + version);
                    }
                    Policy policy = PolicyParser.parse(rows.iterator().next().getString("yaml"), version);
                    parsed.put(version, policy);
                    return policy;
                });
    }

    public Uni<List<Published>> published() {
        return pool.query("SELECT version, policy_id, published_at, published_by, yaml FROM policy_version ORDER BY version")
                .execute()
                .map(rows -> {
                    List<Published> all = new ArrayList<>();
                    for (Row row : rows) {
                        all.add(new Published(row.getInteger("version"), row.getString("policy_id"),
                                row.getOffsetDateTime("published_at").toInstant(), row.getString("published_by"),
                                row.getString("yaml")));
                    }
                    return all;
                });
    }

    /**
     * Validates and stores the next version. The number is taken under a table lock, so two publishers get 2 and 3
     * rather than both 2.
     */
    public Uni<Policy> publish(String yaml, String by) {
        return pool.withTransaction(connection -> connection.query("LOCK TABLE policy_version IN EXCLUSIVE MODE").execute()
                .chain(() -> nextVersion(connection))
                .chain(version -> {
                    Policy policy = PolicyParser.parse(yaml, version);
                    return connection.preparedQuery("""
                                    INSERT INTO policy_version (version, policy_id, yaml, published_at, published_by)
                                    VALUES ($1, $2, $3, $4, $5)""")
                            .execute(Tuple.of(version, policy.id(), yaml,
                                    OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC), by))
                            .replaceWith(policy);
                }));
    }

    private static Uni<Integer> nextVersion(SqlClient connection) {
        return connection.query("SELECT coalesce(max(version), 0) + 1 FROM policy_version").execute()
                .map(rows -> rows.iterator().next().getInteger(0));
    }

    private String policyFile() {
        try {
            if (config.policyFile().isPresent()) {
                return Files.readString(Path.of(config.policyFile().get()), StandardCharsets.UTF_8);
            }
            try (InputStream in = PolicyCatalog.class.getResourceAsStream("/policies/default.yaml")) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the recovery policy file", e);
        }
    }
}
