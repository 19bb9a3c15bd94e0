package org.servicerecovery.reliability.gauges;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * Row counts for gauges refreshed every few seconds, which must not scan a table of a million rows each time: exact up
 * to {@value #EXACT_UP_TO} rows (a count that stops reading at the bound, on the index that serves the condition),
 * and beyond that PostgreSQL's planner estimate (the table's row count from its statistics scaled to its current size,
 * times the condition's selectivity), never less than the bound the exact count passed. Estimates follow the table's
 * size at once and its contents as of the last (auto)analyze.
 * A {@code selection} is what follows {@code SELECT 1 FROM}: a table and, optionally, its WHERE clause.
 */
public final class RowCounts {

    public static final int EXACT_UP_TO = 10_000;

    private static final Pattern PLANNED_ROWS = Pattern.compile("rows=(\\d+)");

    private RowCounts() {
    }

    public static long count(Connection connection, String selection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            long exact;
            try (ResultSet result = statement.executeQuery(boundedCount(selection))) {
                result.next();
                exact = result.getLong(1);
            }
            if (exact <= EXACT_UP_TO) {
                return exact;
            }
            try (ResultSet plan = statement.executeQuery(explain(selection))) {
                plan.next();
                return Math.max(EXACT_UP_TO + 1, plannedRows(plan.getString(1)));
            }
        }
    }

    public static Uni<Long> count(Pool pool, String selection) {
        return pool.query(boundedCount(selection)).execute()
                .map(rows -> rows.iterator().next().getLong(0))
                .chain(exact -> exact <= EXACT_UP_TO ? Uni.createFrom().item(exact)
                        : estimate(pool, selection).map(planned -> Math.max(EXACT_UP_TO + 1, planned)));
    }

    /** The planner's estimate alone, e.g. of parts of a selection that a bounded count found larger than the bound. */
    public static Uni<Long> estimate(Pool pool, String selection) {
        return pool.query(explain(selection)).execute().map(plan -> plannedRows(plan.iterator().next().getString(0)));
    }

    /** Counts what {@code SELECT 1 FROM <selection>} returns, reading at most one row past the bound. */
    static String boundedCount(String selection) {
        return "SELECT count(*) FROM (SELECT 1 FROM " + selection + " LIMIT " + (EXACT_UP_TO + 1) + ") capped";
    }

    static String explain(String selection) {
        return "EXPLAIN SELECT 1 FROM " + selection;
    }

    /** The row estimate on a plan's first line. */
    static long plannedRows(String firstPlanLine) {
        Matcher rows = PLANNED_ROWS.matcher(firstPlanLine);
        return rows.find() ? Long.parseLong(rows.group(1)) : 0;
    }
}
