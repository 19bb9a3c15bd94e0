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
import java.util.Optional;
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
 * shipped) becomes version 1, or the next version when no policy file had its content before ({@link #publishFile}).
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
        publishFile(yaml).invoke(published -> published.ifPresentOrElse(
                        p -> LOG.infof("Recovery policy %s v%d published from the policy file", p.id(), p.version()),
                        () -> LOG.info("The policy file was published before; the published versions stay as they are")))
                .await().atMost(Duration.ofSeconds(30));
    }

    /**
     * Publishes the policy file as the next version unless a policy file had exactly this content at any earlier
     * version. Read and decided under the table lock, in one transaction: replicas starting together publish it once,
     * a version an admin published through the API survives a restart with an unchanged file, and a replica of an
     * older release restarting during a rollout does not bring its file back as the newest. Going back to an earlier
     * version is an operator's explicit act: {@link #publish} its YAML through the admin API.
     */
    Uni<Optional<Policy>> publishFile(String yaml) {
        return pool.withTransaction(connection -> lock(connection)
                .chain(() -> connection.preparedQuery(
                                "SELECT EXISTS (SELECT 1 FROM policy_version WHERE published_by = $1 AND yaml = $2)")
                        .execute(Tuple.of(FROM_FILE, yaml)))
                .chain(rows -> rows.iterator().next().getBoolean(0)
                        ? Uni.createFrom().item(Optional.<Policy>empty())
                        : insertNext(connection, yaml, FROM_FILE).map(Optional::of)));
    }

    /**
     * The version new cases get. Not locked: a version is one row, inserted by one statement and visible only once its
     * transaction committed, so a case opened during a publication gets the version before it or the new one, whole.
     */
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

    /** Validates and stores the next version, whatever was published before (the admin API). */
    public Uni<Policy> publish(String yaml, String by) {
        return pool.withTransaction(connection -> lock(connection).chain(() -> insertNext(connection, yaml, by)));
    }

    /**
     * Held until the publishing transaction ends, so that two publishers get 2 and 3 rather than both 2, and a
     * publisher's check of what is stored still holds when it inserts. Readers are not blocked (EXCLUSIVE mode
     * conflicts with writers only).
     */
    private static Uni<Void> lock(SqlClient connection) {
        return connection.query("LOCK TABLE policy_version IN EXCLUSIVE MODE").execute().replaceWithVoid();
    }

    private Uni<Policy> insertNext(SqlClient connection, String yaml, String by) {
        return nextVersion(connection).chain(version -> {
            Policy policy = PolicyParser.parse(yaml, version);
            return connection.preparedQuery("""
                            INSERT INTO policy_version (version, policy_id, yaml, published_at, published_by)
                            VALUES ($1, $2, $3, $4, $5)""")
                    .execute(Tuple.of(version, policy.id(), yaml,
                            OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC), by))
                    .replaceWith(policy);
        });
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
