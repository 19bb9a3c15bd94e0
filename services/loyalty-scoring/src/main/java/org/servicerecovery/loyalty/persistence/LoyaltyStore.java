package org.servicerecovery.loyalty.persistence;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import org.servicerecovery.events.EventData;
import org.servicerecovery.loyalty.domain.Contribution;
import org.servicerecovery.loyalty.domain.Fact;
import org.servicerecovery.loyalty.domain.Score;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

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

    /**
     * Holds the customer until the transaction ends. A customer's events arrive on three topics, possibly at different
     * consumers or replicas; without this, two transactions could each add a fact, each see only its own, and the
     * later commit would store a score missing the other's fact.
     */
    public Uni<Void> lockCustomer(String customerId) {
        return Panache.getSession().chain(session -> session.createNativeQuery(
                        "SELECT 1 FROM (SELECT pg_advisory_xact_lock(hashtextextended(:customer, 0))) AS locked", Integer.class)
                .setParameter("customer", customerId)
                .getSingleResult())
                .replaceWithVoid();
    }

    /** Holds every customer with facts in [first, last], in id order so that two rebuilds cannot deadlock. */
    public Uni<Void> lockCustomers(String first, String last) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                        SELECT count(pg_advisory_xact_lock(hashtextextended(customer_id, 0)))::int FROM (
                            SELECT DISTINCT customer_id FROM customer_fact
                            WHERE customer_id >= :first AND customer_id <= :last ORDER BY customer_id) AS page""", Integer.class)
                .setParameter("first", first)
                .setParameter("last", last)
                .getSingleResult())
                .replaceWithVoid();
    }

    /** False if the fact was stored before (the same event from the same source). */
    public Uni<Boolean> addFact(String customerId, String source, Fact fact) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                        INSERT INTO customer_fact (customer_id, source, event_id, occurred_at, kind, fact)
                        VALUES (:customer, :source, :id, :at, :kind, cast(cast(:fact AS text) AS jsonb)) ON CONFLICT DO NOTHING""")
                .setParameter("customer", customerId)
                .setParameter("source", source)
                .setParameter("id", fact.eventId())
                .setParameter("at", utc(fact.at()))
                .setParameter("kind", FactCodec.kind(fact))
                .setParameter("fact", FactCodec.encode(fact))
                .executeUpdate())
                .map(inserted -> inserted == 1);
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

    /** The facts of every customer whose id lies in [first, last], by customer: one query for a rebuild page. */
    public Uni<Map<String, List<Fact>>> factsOfCustomers(String first, String last) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                        SELECT customer_id, kind, fact::text FROM customer_fact
                        WHERE customer_id >= :first AND customer_id <= :last""", Object[].class)
                .setParameter("first", first)
                .setParameter("last", last)
                .getResultList())
                .map(rows -> rows.stream().collect(Collectors.groupingBy(row -> (String) row[0],
                        Collectors.mapping(row -> FactCodec.decode((String) row[1], (String) row[2]), Collectors.toList()))));
    }

    /** The stored scores of every customer whose id lies in [first, last]. */
    public Uni<Map<String, CustomerScore>> scoresOfCustomers(String first, String last) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                        SELECT customer_id, team, tier, score, band, contributions::text, weights_version,
                               floor(extract(epoch FROM as_of) * 1000)::bigint
                        FROM customer_score WHERE customer_id >= :first AND customer_id <= :last""", Object[].class)
                .setParameter("first", first)
                .setParameter("last", last)
                .getResultList())
                .map(rows -> rows.stream().map(LoyaltyStore::toScore)
                        .collect(Collectors.toMap(CustomerScore::customerId, Function.identity())));
    }

    public Uni<List<String>> customersWithFacts(String afterCustomerId, int limit) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                        SELECT DISTINCT customer_id FROM customer_fact WHERE customer_id > :after
                        ORDER BY customer_id LIMIT :limit""", String.class)
                .setParameter("after", afterCustomerId)
                .setParameter("limit", limit)
                .getResultList());
    }

    public Uni<Optional<CustomerScore>> score(String customerId) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                        SELECT customer_id, team, tier, score, band, contributions::text, weights_version,
                               floor(extract(epoch FROM as_of) * 1000)::bigint
                        FROM customer_score WHERE customer_id = :customer""", Object[].class)
                .setParameter("customer", customerId)
                .getResultList())
                .map(rows -> rows.stream().findFirst().map(LoyaltyStore::toScore));
    }

    /** Scores sorted from most at risk, optionally of one band and one team. */
    public Uni<List<CustomerScore>> scores(String band, String team, int page, int size) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                        SELECT customer_id, team, tier, score, band, contributions::text, weights_version,
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

    public Uni<Void> save(String customerId, String team, String tier, Score score, String causeEventId) {
        return saveAll(List.of(new Rescored(customerId, team, tier, score, causeEventId)));
    }

    /**
     * Upserts the scores and appends their history lines, each in one multi-row statement: a rebuild writes thousands
     * of customers, and one round trip per row would make it take minutes.
     */
    public Uni<Void> saveAll(List<Rescored> rescored) {
        if (rescored.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        StringBuilder scores = new StringBuilder("""
                INSERT INTO customer_score (customer_id, team, tier, score, band, contributions, weights_version, as_of) VALUES """);
        StringBuilder history = new StringBuilder("INSERT INTO score_history (customer_id, as_of, score, band, cause_event_id) VALUES ");
        for (int i = 0; i < rescored.size(); i++) {
            String separator = i == 0 ? "" : ", ";
            scores.append(separator).append("(:customer%1$d, :team%1$d, :tier%1$d, :score%1$d, :band%1$d, cast(cast(:contributions%1$d AS text) AS jsonb), :version%1$d, :asOf%1$d)".formatted(i));
            history.append(separator).append("(:customer%1$d, :asOf%1$d, :score%1$d, :band%1$d, :cause%1$d)".formatted(i));
        }
        scores.append("""
                 ON CONFLICT (customer_id) DO UPDATE SET team = excluded.team, tier = excluded.tier,
                    score = excluded.score, band = excluded.band, contributions = excluded.contributions,
                    weights_version = excluded.weights_version, as_of = excluded.as_of, updated_at = clock_timestamp()""");
        return Panache.getSession().chain(session -> {
            var upsert = session.createNativeQuery(scores.toString());
            var append = session.createNativeQuery(history.toString());
            for (int i = 0; i < rescored.size(); i++) {
                Rescored row = rescored.get(i);
                upsert.setParameter("customer" + i, row.customerId())
                        .setParameter("team" + i, row.team())
                        .setParameter("tier" + i, row.tier())
                        .setParameter("score" + i, row.score().value())
                        .setParameter("band" + i, bandName(row.score()))
                        .setParameter("contributions" + i, json(row.score().contributions()))
                        .setParameter("version" + i, row.score().weightsVersion())
                        .setParameter("asOf" + i, utc(row.score().asOf()));
                append.setParameter("customer" + i, row.customerId())
                        .setParameter("asOf" + i, utc(row.score().asOf()))
                        .setParameter("score" + i, row.score().value())
                        .setParameter("band" + i, bandName(row.score()))
                        .setParameter("cause" + i, row.causeEventId());
            }
            return upsert.executeUpdate().chain(append::executeUpdate);
        }).replaceWithVoid();
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
