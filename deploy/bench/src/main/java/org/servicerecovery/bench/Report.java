package org.servicerecovery.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The figures of one `make bench` run, each beside its goal or the same-run baseline it should be read against. */
final class Report {

    record Row(String section, String figure, String value, String reference) {
    }

    /** A chart written beside report.md, linked by its file name. */
    record Image(String title, String file) {
    }

    /** A table of its own below the figures, e.g. one row per step of a step load. */
    record Table(String title, List<String> header, List<List<String>> rows) {
    }

    private final List<Row> rows = new ArrayList<>();
    private final List<Table> tables = new ArrayList<>();
    private final List<Image> images = new ArrayList<>();

    void add(String section, String figure, String value, String reference) {
        rows.add(new Row(section, figure, value, reference));
        System.out.printf("  %-12s %-48s %18s   %s%n", section, figure, value, reference);
    }

    void image(String title, String file) {
        images.add(new Image(title, file));
    }

    void table(String title, List<String> header, List<List<String>> tableRows) {
        tables.add(new Table(title, header, tableRows));
        System.out.println("  " + title);
        System.out.println("    " + String.join(" | ", header));
        tableRows.forEach(row -> System.out.println("    " + String.join(" | ", row)));
    }

    String markdown(String machine) {
        StringBuilder out = new StringBuilder()
                .append("# service-recovery benchmark\n\n")
                .append("Run at ").append(Instant.now()).append(" on ").append(machine).append(".\n\n")
                .append("| area | figure | measured | goal / baseline (same run); what it spans |\n|---|---|---:|---|\n");
        rows.forEach(row -> out.append("| ").append(row.section()).append(" | ").append(row.figure()).append(" | ")
                .append(row.value()).append(" | ").append(row.reference()).append(" |\n"));
        tables.forEach(table -> {
            out.append("\n## ").append(table.title()).append("\n\n| ").append(String.join(" | ", table.header())).append(" |\n|")
                    .append("---|".repeat(table.header().size())).append("\n");
            table.rows().forEach(row -> out.append("| ").append(String.join(" | ", row)).append(" |\n"));
        });
        images.forEach(image -> out.append("\n## ").append(image.title()).append("\n\n![").append(image.title()).append("](")
                .append(image.file()).append(")\n"));
        return out.toString();
    }

    void write(Path file, String machine) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, markdown(machine));
    }

    static String perSecond(double value) {
        return String.format("%,.0f /s", value);
    }

    static String millis(double value) {
        return String.format("%,.1f ms", value);
    }

    static String mebibytes(long bytes) {
        return String.format("%,d MiB", bytes / (1024 * 1024));
    }
}
