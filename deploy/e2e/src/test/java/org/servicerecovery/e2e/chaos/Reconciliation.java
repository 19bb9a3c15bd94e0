package org.servicerecovery.e2e.chaos;

import java.util.ArrayList;
import java.util.List;

/**
 * The checker's verdict: for each effect, how many were expected and how many were found, and every mismatch.
 *
 * @param summary what went in, one line per input kind, and the chaos that happened meanwhile
 */
record Reconciliation(List<String> summary, List<Line> lines, List<String> problems) {

    record Line(String effect, long expected, long found) {
        boolean matches() {
            return expected == found;
        }
    }

    boolean ok() {
        return problems.isEmpty() && lines.stream().allMatch(Line::matches);
    }

    Reconciliation withProblem(String problem) {
        List<String> all = new ArrayList<>(problems);
        all.add(problem);
        return new Reconciliation(summary, lines, all);
    }

    String report() {
        StringBuilder out = new StringBuilder("\n== chaos checker ==\n");
        summary.forEach(line -> out.append(line).append('\n'));
        out.append(String.format("%n%-66s %9s %9s%n", "effect", "expected", "found"));
        lines.forEach(line -> out.append(String.format("%-66s %9d %9d%s%n", line.effect(), line.expected(), line.found(),
                line.matches() ? "" : "   <-- MISMATCH")));
        problems.forEach(problem -> out.append("PROBLEM: ").append(problem).append('\n'));
        out.append(ok() ? "RESULT: every input has exactly its expected effects\n" : "RESULT: MISMATCH\n");
        return out.toString();
    }
}
