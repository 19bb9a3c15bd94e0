package org.servicerecovery.loyalty.persistence;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.IntStream;

import jakarta.enterprise.context.ApplicationScoped;

import org.servicerecovery.events.EventData;
import org.servicerecovery.loyalty.domain.Contribution;
import org.servicerecovery.loyalty.domain.Fact;
import org.servicerecovery.loyalty.domain.ScoreStateCodec;
import org.servicerecovery.loyalty.persistence.LoyaltyStore.Rescored;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The rebuild's pages of customers, each in a transaction of its own on a connection of the reactive client rather
 * than in Hibernate's session: the rebuild runs two pages at once (one session per context allows one), and a page is
 * tens of thousands of rows, which the client hands over without Hibernate's work per row. Every read and write of a
 * page is one statement, its rows bound as arrays; the scores, trend lines and running scores are those
 * {@link LoyaltyStore} reads and writes.
 */
@ApplicationScoped
public class ScorePages {

    private static final ObjectMapper JSON = EventData.newObjectMapper();
    private static final TypeReference<List<Contribution>> CONTRIBUTIONS = new TypeReference<>() {
    };

    private final Pool pool;

    public ScorePages(Pool pool) {
        this.pool = pool;
    }

    /**
     * The first {@code limit} customers with facts after {@code afterCustomerId}, in their order: one descent of the
     * fact table's key per customer, where a DISTINCT would read every fact of the page once more.
     */
    public Uni<List<String>> customersAfter(String afterCustomerId, int limit) {
        return pool.preparedQuery("""
                        WITH RECURSIVE page(customer_id, n) AS (
                            SELECT min(customer_id), 1 FROM customer_fact WHERE customer_id > $1
                            UNION ALL
                            SELECT (SELECT min(f.customer_id) FROM customer_fact f WHERE f.customer_id > page.customer_id), n + 1
                            FROM page WHERE page.customer_id IS NOT NULL AND n < $2)
                        SELECT customer_id FROM page WHERE customer_id IS NOT NULL ORDER BY customer_id""")
                .execute(Tuple.of(afterCustomerId, limit))
                .map(rows -> {
                    List<String> customers = new ArrayList<>(rows.size());
                    rows.forEach(row -> customers.add(row.getString(0)));
                    return customers;
                });
    }

    /** {@code work} in a transaction of its own: committed when its result comes, rolled back when it fails. */
    public <T> Uni<T> inTransaction(Function<SqlConnection, Uni<T>> work) {
        return pool.withTransaction(work);
    }

    /** A page's customers' facts (none for a customer without facts) and the stored scores of those that have one. */
    public record Page(Map<String, List<Fact>> facts, Map<String, CustomerScore> scores) {
    }

    /**
     * The customers' facts and scores, both statements sent at once. The rows are decoded on a worker thread: tens of
     * thousands of facts would hold the event loop, which meanwhile reads and writes another page.
     */
    public Uni<Page> read(SqlConnection transaction, List<String> customerIds) {
        Tuple customers = Tuple.of(customerIds.toArray(String[]::new));
        Uni<RowSet<Row>> facts = transaction.preparedQuery("""
                        SELECT customer_id, kind, fact::text FROM customer_fact WHERE customer_id = ANY($1)""")
                .execute(customers);
        Uni<RowSet<Row>> scores = transaction.preparedQuery("""
                        SELECT customer_id, team, tier, score, band, coalesce(contributions_text, contributions::text), weights_version,
                               floor(extract(epoch FROM as_of) * 1000)::bigint
                        FROM customer_score WHERE customer_id = ANY($1)""")
                .execute(customers);
        return Uni.combine().all().unis(facts, scores).asTuple()
                .emitOn(Infrastructure.getDefaultWorkerPool())
                .map(rows -> new Page(facts(rows.getItem1(), customerIds.size()), scores(rows.getItem2())));
    }

    private static Map<String, List<Fact>> facts(RowSet<Row> rows, int customers) {
        Map<String, List<Fact>> facts = new HashMap<>(2 * customers);
        for (Row row : rows) {
            facts.computeIfAbsent(row.getString(0), customer -> new ArrayList<>())
                    .add(FactCodec.decode(row.getString(1), row.getString(2)));
        }
        return facts;
    }

    private static Map<String, CustomerScore> scores(RowSet<Row> rows) {
        Map<String, CustomerScore> scores = new HashMap<>(2 * rows.size());
        for (Row row : rows) {
            scores.put(row.getString(0), new CustomerScore(row.getString(0), row.getString(1), row.getString(2),
                    row.getInteger(3), row.getString(4), contributions(row.getString(5)), row.getInteger(6),
                    Instant.ofEpochMilli(row.getLong(7))));
        }
        return scores;
    }

    /**
     * Upserts the changed scores with a trend line each, and every running score ({@link ScoreStateCodec}'s encoding, of
     * weights {@code weightsVersion}); a running score equal to the stored one is not rewritten. The three statements go out together.
     */
    public Uni<Void> save(SqlConnection transaction, List<Rescored> changed, int weightsVersion, Map<String, byte[]> running) {
        return Uni.combine().all().unis(saveScores(transaction, changed), saveHistory(transaction, changed),
                saveStates(transaction, weightsVersion, running)).discardItems();
    }

    private static Uni<Void> saveScores(SqlConnection transaction, List<Rescored> changed) {
        return write(transaction, LoyaltyStore.SCORE_UPSERT, LoyaltyStore.scoreColumns(changed));
    }

    private static Uni<Void> saveHistory(SqlConnection transaction, List<Rescored> changed) {
        return write(transaction, LoyaltyStore.HISTORY_INSERT, LoyaltyStore.historyColumns(changed));
    }

    /** One of {@link LoyaltyStore}'s statements with its columns as $1, $2, …; nothing to do without rows. */
    private static Uni<Void> write(SqlConnection transaction, String statement, List<String[]> columns) {
        if (columns.get(0).length == 0) {
            return Uni.createFrom().voidItem();
        }
        Object[] placeholders = IntStream.rangeClosed(1, columns.size()).mapToObj(n -> "$" + n).toArray();
        return transaction.preparedQuery(statement.formatted(placeholders))
                .execute(Tuple.tuple(new ArrayList<Object>(columns)))
                .replaceWithVoid();
    }

    private static Uni<Void> saveStates(SqlConnection transaction, int weightsVersion, Map<String, byte[]> running) {
        if (running.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Map.Entry<String, byte[]>> rows = List.copyOf(running.entrySet());
        return transaction.preparedQuery("""
                        INSERT INTO customer_score_state (customer_id, weights_version, state)
                        SELECT * FROM unnest($1::text[], $2::int[], $3::bytea[])
                        ON CONFLICT (customer_id) DO UPDATE SET weights_version = excluded.weights_version, state = excluded.state
                        WHERE (customer_score_state.weights_version, customer_score_state.state)
                              IS DISTINCT FROM (excluded.weights_version, excluded.state)""")
                .execute(Tuple.of(
                        rows.stream().map(Map.Entry::getKey).toArray(String[]::new),
                        rows.stream().map(row -> weightsVersion).toArray(Integer[]::new),
                        rows.stream().map(row -> Buffer.buffer(row.getValue())).toArray(Buffer[]::new)))
                .replaceWithVoid();
    }

    private static List<Contribution> contributions(String json) {
        try {
            return JSON.readValue(json, CONTRIBUTIONS);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored contributions cannot be read", e);
        }
    }
}
