package org.servicerecovery.loyalty.persistence;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import jakarta.enterprise.context.ApplicationScoped;

import org.hibernate.reactive.mutiny.Mutiny;
import org.servicerecovery.events.EventData;
import org.servicerecovery.loyalty.domain.Contribution;
import org.servicerecovery.loyalty.domain.Fact;
import org.servicerecovery.loyalty.domain.Score;
import org.servicerecovery.loyalty.domain.ScoreState;
import org.servicerecovery.loyalty.domain.ScoreStateCodec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;

/**
 * Facts, scores and score history in the service's schema. Every method runs in the caller's transaction. JSON goes in
 * as text cast to jsonb: the reactive client would encode a String bound to a jsonb parameter as a JSON string.
 */
@ApplicationScoped
public class LoyaltyStore {

    private static final ObjectMapper JSON = EventData.newObjectMapper();
    private static final TypeReference<List<Contribution>> CONTRIBUTIONS = new TypeReference<>() {
    };

    public record HistoryPoint(Instant asOf, int score, String band) {
    }

    /** A newly computed score to store; {@code causeEventId} is null for a rebuild. */
    public record Rescored(String customerId, String team, String tier, Score score, String causeEventId) {
    }

    public record FactRow(String customerId, String team, Fact fact) {
    }

    /** A customer's running score as stored, with the weights version it was built with. */
    public record StoredState(int weightsVersion, byte[] state) {
    }

    /** A fact to store from the event {@code source} sent about {@code customerId}. */
    public record NewFact(String customerId, String source, Fact fact) {
    }

    /**
     * Stores the facts in one statement; returns those stored for the first time, in their order (a fact stored
     * before, the same event from the same source, is left out).
     */
    public Uni<List<NewFact>> addFacts(List<NewFact> facts) {
        if (facts.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        StringBuilder insert = new StringBuilder(
                "INSERT INTO customer_fact (customer_id, source, event_id, occurred_at, kind, fact) VALUES ");
        for (int i = 0; i < facts.size(); i++) {
            insert.append(i == 0 ? "" : ", ").append(
                    "(:customer%1$d, :source%1$d, :id%1$d, :at%1$d, :kind%1$d, cast(cast(:fact%1$d AS text) AS jsonb))".formatted(i));
        }
        insert.append(" ON CONFLICT DO NOTHING RETURNING customer_id, source, event_id");
        return Panache.getSession().chain(session -> {
            var query = session.createNativeQuery(insert.toString(), Object[].class);
            for (int i = 0; i < facts.size(); i++) {
                NewFact row = facts.get(i);
                query.setParameter("customer" + i, row.customerId())
                        .setParameter("source" + i, row.source())
                        .setParameter("id" + i, row.fact().eventId())
                        .setParameter("at" + i, utc(row.fact().at()))
                        .setParameter("kind" + i, FactCodec.kind(row.fact()))
                        .setParameter("fact" + i, FactCodec.encode(row.fact()));
            }
            return query.getResultList();
        }).map(rows -> {
            Set<List<Object>> stored = rows.stream().map(Arrays::asList).collect(Collectors.toSet());
            return facts.stream()
                    .filter(row -> stored.contains(List.of(row.customerId(), row.source(), row.fact().eventId())))
                    .toList();
        });
    }

    public Uni<List<Fact>> facts(String customerId) {
        return Panache.getSession().chain(session -> session.createNativeQuery(
                        "SELECT kind, fact::text FROM customer_fact WHERE customer_id = :customer", Object[].class)
                .setParameter("customer", customerId)
                .getResultList())
                .map(rows -> rows.stream().map(row -> FactCodec.decode((String) row[0], (String) row[1])).toList());
    }

    /** Facts of a period with their customer's team, for reports. */
    public Uni<List<FactRow>> factsBetween(Instant from, Instant to, String team) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                        SELECT f.customer_id, s.team, f.kind, f.fact::text
                        FROM customer_fact f LEFT JOIN customer_score s ON s.customer_id = f.customer_id
                        WHERE f.occurred_at >= :from AND f.occurred_at < :to
                          AND (cast(:team AS text) IS NULL OR s.team = :team)""", Object[].class)
                .setParameter("from", utc(from))
                .setParameter("to", utc(to))
                .setParameter("team", team)
                .getResultList())
                .map(rows -> rows.stream().map(row -> new FactRow((String) row[0], (String) row[1],
                        FactCodec.decode((String) row[2], (String) row[3]))).toList());
    }

    /** The facts of each of the customers (none for a customer without facts): one query for a batch or a page. */
    public Uni<Map<String, List<Fact>>> factsOf(Collection<String> customerIds) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                        SELECT customer_id, kind, fact::text FROM customer_fact
                        WHERE customer_id = ANY(CAST(:customers AS text[]))""", Object[].class)
                .setParameter("customers", customerIds.toArray(String[]::new))
                .getResultList())
                .map(rows -> rows.stream().collect(Collectors.groupingBy(row -> (String) row[0],
                        Collectors.mapping(row -> FactCodec.decode((String) row[1], (String) row[2]), Collectors.toList()))));
    }

    /** The stored scores of those of the customers that have one. */
    public Uni<Map<String, CustomerScore>> scoresOf(Collection<String> customerIds) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                        SELECT customer_id, team, tier, score, band, coalesce(contributions_text, contributions::text), weights_version,
                               floor(extract(epoch FROM as_of) * 1000)::bigint
                        FROM customer_score WHERE customer_id = ANY(CAST(:customers AS text[]))""", Object[].class)
                .setParameter("customers", customerIds.toArray(String[]::new))
                .getResultList())
                .map(rows -> rows.stream().map(LoyaltyStore::toScore)
                        .collect(Collectors.toMap(CustomerScore::customerId, Function.identity())));
    }

    /** The stored running scores of those of the customers that have one. */
    public Uni<Map<String, StoredState>> statesOf(Collection<String> customerIds) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                        SELECT customer_id, weights_version, state FROM customer_score_state
                        WHERE customer_id = ANY(CAST(:customers AS text[]))""", Object[].class)
                .setParameter("customers", customerIds.toArray(String[]::new))
                .getResultList())
                .map(rows -> rows.stream().collect(Collectors.toMap(row -> (String) row[0],
                        row -> new StoredState(((Number) row[1]).intValue(), bytes(row[2])))));
    }

    /** Upserts the customers' running scores in one statement, their columns as arrays. */
    public Uni<Void> saveStates(Map<String, ScoreState> states) {
        if (states.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Map.Entry<String, ScoreState>> rows = List.copyOf(states.entrySet());
        Base64.Encoder base64 = Base64.getEncoder();
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                        INSERT INTO customer_score_state (customer_id, weights_version, state)
                        SELECT customer, CAST(version AS int), decode(state, 'base64')
                        FROM unnest(CAST(:customers AS text[]), CAST(:versions AS text[]), CAST(:states AS text[]))
                             AS row(customer, version, state)
                        ON CONFLICT (customer_id) DO UPDATE SET weights_version = excluded.weights_version, state = excluded.state""")
                .setParameter("customers", rows.stream().map(Map.Entry::getKey).toArray(String[]::new))
                .setParameter("versions", rows.stream().map(row -> String.valueOf(row.getValue().weightsVersion())).toArray(String[]::new))
                .setParameter("states", rows.stream().map(row -> base64.encodeToString(ScoreStateCodec.encode(row.getValue())))
                        .toArray(String[]::new))
                .executeUpdate()).replaceWithVoid();
    }

    public Uni<Optional<CustomerScore>> score(String customerId) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                        SELECT customer_id, team, tier, score, band, coalesce(contributions_text, contributions::text), weights_version,
                               floor(extract(epoch FROM as_of) * 1000)::bigint
                        FROM customer_score WHERE customer_id = :customer""", Object[].class)
                .setParameter("customer", customerId)
                .getResultList())
                .map(rows -> rows.stream().findFirst().map(LoyaltyStore::toScore));
    }

    /** Scores sorted from most at risk, optionally of one band and one team. */
    public Uni<List<CustomerScore>> scores(String band, String team, int page, int size) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                        SELECT customer_id, team, tier, score, band, coalesce(contributions_text, contributions::text), weights_version,
                               floor(extract(epoch FROM as_of) * 1000)::bigint
                        FROM customer_score
                        WHERE (cast(:band AS text) IS NULL OR band = :band) AND (cast(:team AS text) IS NULL OR team = :team)
                        ORDER BY score, customer_id LIMIT :size OFFSET :offset""", Object[].class)
                .setParameter("band", band)
                .setParameter("team", team)
                .setParameter("size", size)
                .setParameter("offset", page * size)
                .getResultList())
                .map(rows -> rows.stream().map(LoyaltyStore::toScore).toList());
    }

    /**
     * Appends every history line and upserts each customer's last score, each in one statement with its columns as
     * arrays: a batch writes hundreds of customers, and one round trip per row would cost more than the rows. A customer
     * rescored several times in one batch gets a line per change and ends with the last.
     */
    public Uni<Void> saveAll(List<Rescored> rescored) {
        if (rescored.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        Map<String, Rescored> latest = new LinkedHashMap<>();
        rescored.forEach(row -> latest.put(row.customerId(), row));
        List<Rescored> scores = List.copyOf(latest.values());
        return Panache.getSession().chain(session -> named(session.createNativeQuery(SCORE_UPSERT.formatted(
                        (Object[]) placeholders("score", 8))), "score", scoreColumns(scores))
                .executeUpdate()
                .chain(() -> named(session.createNativeQuery(HISTORY_INSERT.formatted(
                                (Object[]) placeholders("history", 5))), "history", historyColumns(rescored))
                        .executeUpdate()))
                .replaceWithVoid();
    }

    /**
     * Upserts customers' last scores, one row per customer: {@link #scoreColumns}, each as a text array, in the
     * placeholders %1$s to %8$s. The consumer's and the rebuild's statement, through Hibernate or the reactive client.
     */
    static final String SCORE_UPSERT = """
            INSERT INTO customer_score (customer_id, team, tier, score, band, contributions_text, weights_version, as_of)
            SELECT customer, team, tier, CAST(score AS int), band, contributions,
                   CAST(version AS int), CAST(as_of AS timestamptz)
            FROM unnest(CAST(%1$s AS text[]), CAST(%2$s AS text[]), CAST(%3$s AS text[]), CAST(%4$s AS text[]),
                        CAST(%5$s AS text[]), CAST(%6$s AS text[]), CAST(%7$s AS text[]), CAST(%8$s AS text[]))
                 AS row(customer, team, tier, score, band, contributions, version, as_of)
            ON CONFLICT (customer_id) DO UPDATE SET team = excluded.team, tier = excluded.tier,
               score = excluded.score, band = excluded.band, contributions = NULL,
               contributions_text = excluded.contributions_text,
               weights_version = excluded.weights_version, as_of = excluded.as_of, updated_at = clock_timestamp()""";

    /** Appends trend lines: {@link #historyColumns} in the placeholders %1$s to %5$s, as {@link #SCORE_UPSERT}. */
    static final String HISTORY_INSERT = """
            INSERT INTO score_history (customer_id, as_of, score, band, cause_event_id)
            SELECT customer, CAST(as_of AS timestamptz), CAST(score AS int), band, cause
            FROM unnest(CAST(%1$s AS text[]), CAST(%2$s AS text[]), CAST(%3$s AS text[]), CAST(%4$s AS text[]),
                        CAST(%5$s AS text[])) AS row(customer, as_of, score, band, cause)""";

    static List<String[]> scoreColumns(List<Rescored> rows) {
        return List.of(column(rows, Rescored::customerId), column(rows, Rescored::team), column(rows, Rescored::tier),
                column(rows, row -> String.valueOf(row.score().value())), column(rows, row -> bandName(row.score())),
                column(rows, row -> json(row.score().contributions())),
                column(rows, row -> String.valueOf(row.score().weightsVersion())),
                column(rows, row -> row.score().asOf().toString()));
    }

    static List<String[]> historyColumns(List<Rescored> rows) {
        return List.of(column(rows, Rescored::customerId), column(rows, row -> row.score().asOf().toString()),
                column(rows, row -> String.valueOf(row.score().value())), column(rows, row -> bandName(row.score())),
                column(rows, Rescored::causeEventId));
    }

    /** Named parameters {@code :name1} to {@code :nameN}. */
    private static String[] placeholders(String name, int count) {
        return IntStream.rangeClosed(1, count).mapToObj(n -> ":" + name + n).toArray(String[]::new);
    }

    private static Mutiny.MutationQuery named(Mutiny.MutationQuery query, String name, List<String[]> columns) {
        for (int n = 0; n < columns.size(); n++) {
            query.setParameter(name + (n + 1), columns.get(n));
        }
        return query;
    }

    private static String[] column(List<Rescored> rows, Function<Rescored, String> value) {
        return rows.stream().map(value).toArray(String[]::new);
    }

    public Uni<List<HistoryPoint>> history(String customerId) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                        SELECT floor(extract(epoch FROM as_of) * 1000)::bigint, score, band FROM score_history
                        WHERE customer_id = :customer ORDER BY seq""", Object[].class)
                .setParameter("customer", customerId)
                .getResultList())
                .map(rows -> rows.stream().map(row -> new HistoryPoint(Instant.ofEpochMilli(((Number) row[0]).longValue()),
                        ((Number) row[1]).intValue(), (String) row[2])).toList());
    }

    public static String bandName(Score score) {
        return JSON.convertValue(score.band(), String.class);
    }

    private static CustomerScore toScore(Object[] row) {
        try {
            return new CustomerScore((String) row[0], (String) row[1], (String) row[2], ((Number) row[3]).intValue(),
                    (String) row[4], JSON.readValue((String) row[5], CONTRIBUTIONS), ((Number) row[6]).intValue(),
                    Instant.ofEpochMilli(((Number) row[7]).longValue()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored contributions cannot be read", e);
        }
    }

    private static byte[] bytes(Object column) {
        return column instanceof Buffer buffer ? buffer.getBytes() : (byte[]) column;
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static OffsetDateTime utc(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
