package org.servicerecovery.bench;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import org.servicerecovery.testing.SharedInfrastructure;

/**
 * Where PostgreSQL's time goes in a section (the system section's parts, loyalty's rebuild): {@code pg_stat_statements},
 * a server-start library ({@link ServerSetting}), loaded before the section's services start, reset when a part starts
 * and read when it ends. Its own cost, a hash lookup and a few
 * counters per statement, is in the section's figures. The same statement text run in two services' schemas is two
 * entries (the tables differ), so a statement every service runs (outbox, processed events) can appear more than once.
 */
final class StatementCosts implements AutoCloseable {

    private static final int TOP = 15;

    private final ServerSetting library;
    private final BenchDb db;

    private StatementCosts(ServerSetting library, BenchDb db) {
        this.library = library;
        this.db = db;
    }

    static StatementCosts on(SharedInfrastructure infrastructure, BenchDb db) throws SQLException {
        StatementCosts costs = new StatementCosts(
                ServerSetting.set(infrastructure, db, "shared_preload_libraries", "'pg_stat_statements'"), db);
        try (Connection connection = db.connect(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
        }
        return costs;
    }

    /** Forgets what was counted so far: the next {@link #report} covers what runs from now on. */
    void reset() throws SQLException {
        try (Connection connection = db.connect(); Statement statement = connection.createStatement()) {
            statement.execute("SELECT pg_stat_statements_reset()");
        }
    }

    /** The statements that took the most time since {@link #reset}, as a table of the report. */
    void report(Report report, String section, String part, double seconds) throws SQLException {
        List<List<String>> rows = new ArrayList<>();
        try (Connection connection = db.connect(); Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("""
                     SELECT regexp_replace(query, '\\s+', ' ', 'g'), calls, rows, total_exec_time,
                            total_exec_time / sum(total_exec_time) OVER ()
                     FROM pg_stat_statements WHERE calls > 0 ORDER BY total_exec_time DESC""")) {
            double all = 0;
            while (result.next()) {
                double millis = result.getDouble(4);
                all += millis;
                if (rows.size() < TOP) {
                    long calls = result.getLong(2);
                    rows.add(List.of(shortened(result.getString(1)), String.format("%,d", calls),
                            String.format("%,.1f", result.getLong(3) / (double) calls),
                            String.format("%,.2f", millis / calls), String.format("%,.1f", millis / 1000),
                            String.format("%.1f %%", 100 * result.getDouble(5))));
                }
            }
            report.add(section, part + ": PostgreSQL statement time", String.format("%.2f cores", all / 1000 / seconds),
                    String.format("pg_stat_statements: time in statements over the %.0f s, waits for locks and I/O"
                            + " included, ÷ the duration; the statements that took most are in the table below", seconds));
        }
        report.table(part + ": PostgreSQL statements that took the most time (pg_stat_statements)",
                List.of("statement", "calls", "rows per call", "ms per call", "total s", "share"), rows);
    }

    @Override
    public void close() throws SQLException {
        library.close();
    }

    private static String shortened(String query) {
        String escaped = query.replace("|", "\\|");
        return "`" + (escaped.length() > 140 ? escaped.substring(0, 140) + " …" : escaped) + "`";
    }
}
