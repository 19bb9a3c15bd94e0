package org.servicerecovery.promises.persistence;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.servicerecovery.promises.domain.HistoryEntry;
import org.servicerecovery.promises.domain.Promise;
import org.servicerecovery.servicekit.Viewer;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.panache.common.Page;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;

/** The read side of the REST API; every query is narrowed to what the viewer may see. */
@ApplicationScoped
public class PromiseQueries {

    public enum GroupBy {
        OWNER("owner"), TEAM("team"), CHANNEL("channel");

        private final String column;

        GroupBy(String column) {
            this.column = column;
        }
    }

    public record PageOf(List<Promise> items, long total) {
    }

    public record Detail(Promise promise, List<HistoryEntry> history) {
    }

    @WithSession
    public Uni<PageOf> list(PromiseFilter filter, Viewer viewer, int page, int size, boolean latestDueFirst) {
        Map<String, Object> params = new HashMap<>();
        List<String> where = new ArrayList<>();
        where.add(visibility(viewer, params));
        addIf(where, params, "customerId", filter.customer());
        addIf(where, params, "owner", filter.owner());
        addIf(where, params, "team", filter.team());
        addIf(where, params, "state", filter.state());
        if (filter.dueFrom() != null) {
            where.add("dueAt >= :dueFrom");
            params.put("dueFrom", filter.dueFrom());
        }
        if (filter.dueTo() != null) {
            where.add("dueAt < :dueTo");
            params.put("dueTo", filter.dueTo());
        }
        Sort.Direction direction = latestDueFirst ? Sort.Direction.Descending : Sort.Direction.Ascending;
        var query = PromiseEntity.<PromiseEntity>find(String.join(" and ", where),
                Sort.by("dueAt", direction).and("id", direction), params).page(Page.of(page, size));
        return query.count().chain(total -> query.list()
                .map(rows -> new PageOf(rows.stream().map(PromiseEntity::toDomain).toList(), total)));
    }

    @WithSession
    public Uni<Optional<Detail>> find(String id, Viewer viewer) {
        Map<String, Object> params = new HashMap<>();
        String visible = visibility(viewer, params);
        params.put("id", id);
        return PromiseEntity.<PromiseEntity>find("id = :id and " + visible, params).firstResult()
                .chain(row -> row == null
                        ? Uni.createFrom().item(Optional.<Detail>empty())
                        : HistoryEntity.<HistoryEntity>list("promiseId = ?1 order by id", id)
                                .map(history -> Optional.of(new Detail(row.toDomain(), history.stream()
                                        .map(entry -> new HistoryEntry(entry.at, entry.kind, entry.detail)).toList()))));
    }

    /** Promises made in [from, to), grouped. */
    @WithSession
    public Uni<List<StatsRow>> stats(Instant from, Instant to, GroupBy groupBy, Viewer viewer, Instant now) {
        Map<String, Object> params = new HashMap<>();
        // owner and team are named alike as entity fields and as columns, so the same condition serves HQL and SQL.
        String visible = visibility(viewer, params);
        String lateness = "extract(epoch FROM coalesce(fulfilled_at, :now) - due_at) * 1000";
        String sql = """
                SELECT %1$s,
                       count(*),
                       count(*) FILTER (WHERE state = 'KEPT'),
                       count(*) FILTER (WHERE missed_at IS NOT NULL),
                       count(*) FILTER (WHERE state IN ('KEPT', 'MISSED', 'FULFILLED_LATE')),
                       percentile_cont(0.5) WITHIN GROUP (ORDER BY %2$s) FILTER (WHERE missed_at IS NOT NULL),
                       percentile_cont(0.9) WITHIN GROUP (ORDER BY %2$s) FILTER (WHERE missed_at IS NOT NULL)
                FROM promise
                WHERE made_at >= :from AND made_at < :to AND %3$s
                GROUP BY %1$s ORDER BY %1$s NULLS LAST""".formatted(groupBy.column, lateness, visible);
        params.put("from", utc(from));
        params.put("to", utc(to));
        params.put("now", utc(now));
        return Panache.getSession().chain(session -> {
            var query = session.createNativeQuery(sql, Object[].class);
            params.forEach(query::setParameter);
            return query.getResultList();
        }).map(rows -> rows.stream().map(row -> new StatsRow((String) row[0], number(row[1]), number(row[2]),
                number(row[3]), number(row[4]), decimal(row[5]), decimal(row[6]))).toList());
    }

    private static String visibility(Viewer viewer, Map<String, Object> params) {
        return viewer.condition("team", "owner", params);
    }

    private static void addIf(List<String> where, Map<String, Object> params, String field, Object value) {
        if (value != null) {
            where.add(field + " = :" + field);
            params.put(field, value);
        }
    }

    private static long number(Object value) {
        return ((Number) value).longValue();
    }

    private static Double decimal(Object value) {
        return value == null ? null : ((Number) value).doubleValue();
    }

    private static OffsetDateTime utc(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
