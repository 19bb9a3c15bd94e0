package org.servicerecovery.loyalty.persistence;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

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

    public record FactRow(String customerId, String team, Fact fact) {
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
                               (extract(epoch FROM as_of) * 1000)::bigint
                        FROM customer_score WHERE customer_id = :customer""", Object[].class)
                .setParameter("customer", customerId)
                .getResultList())
                .map(rows -> rows.stream().findFirst().map(LoyaltyStore::toScore));
    }

    /** Scores sorted from most at risk, optionally of one band and one team. */
    public Uni<List<CustomerScore>> scores(String band, String team, int page, int size) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                        SELECT customer_id, team, tier, score, band, contributions::text, weights_version,
                               (extract(epoch FROM as_of) * 1000)::bigint
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
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                        INSERT INTO customer_score (customer_id, team, tier, score, band, contributions, weights_version, as_of)
                        VALUES (:customer, :team, :tier, :score, :band, cast(cast(:contributions AS text) AS jsonb), :version, :asOf)
                        ON CONFLICT (customer_id) DO UPDATE SET team = excluded.team, tier = excluded.tier,
                            score = excluded.score, band = excluded.band, contributions = excluded.contributions,
                            weights_version = excluded.weights_version, as_of = excluded.as_of,
                            updated_at = clock_timestamp()""")
                .setParameter("customer", customerId)
                .setParameter("team", team)
                .setParameter("tier", tier)
                .setParameter("score", score.value())
                .setParameter("band", bandName(score))
                .setParameter("contributions", json(score.contributions()))
                .setParameter("version", score.weightsVersion())
                .setParameter("asOf", utc(score.asOf()))
                .executeUpdate()
                .chain(() -> session.createNativeQuery("""
                                INSERT INTO score_history (customer_id, as_of, score, band, cause_event_id)
                                VALUES (:customer, :asOf, :score, :band, :cause)""")
                        .setParameter("customer", customerId)
                        .setParameter("asOf", utc(score.asOf()))
                        .setParameter("score", score.value())
                        .setParameter("band", bandName(score))
                        .setParameter("cause", causeEventId)
                        .executeUpdate()))
                .replaceWithVoid();
    }

    public Uni<List<HistoryPoint>> history(String customerId) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                        SELECT (extract(epoch FROM as_of) * 1000)::bigint, score, band FROM score_history
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
