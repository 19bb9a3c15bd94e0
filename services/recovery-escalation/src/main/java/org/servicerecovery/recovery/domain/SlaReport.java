package org.servicerecovery.recovery.domain;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

import org.servicerecovery.events.domain.StepKind;

/**
 * How well recovery went for a set of cases, per group: time from opening to the apology (p50/p90, nearest rank),
 * share of finished steps done on time, escalations, cases open and overdue now, and the cost of poor service (remedy
 * values summed per currency, and handling time from opening to resolution or now).
 */
public final class SlaReport {

    public enum GroupBy {
        TEAM(c -> c.team()), AGENT(c -> c.assignee() == null ? "(unassigned)" : c.assignee()),
        SEVERITY(c -> c.severity().name().toLowerCase(Locale.ROOT));

        private final Function<RecoveryCase, String> key;

        GroupBy(Function<RecoveryCase, String> key) {
            this.key = key;
        }
    }

    /** {@code remedyCost}: one sum per currency, by currency code. */
    public record Group(String key, int cases, Long apologyMinutesP50, Long apologyMinutesP90, int stepsFinished,
                        int stepsOnTime, Double shareOnTime, int escalated, int openOverdue, List<Money> remedyCost,
                        double handlingHours) {
    }

    private SlaReport() {
    }

    public static List<Group> of(List<RecoveryCase> cases, GroupBy groupBy, Instant now) {
        Map<String, List<RecoveryCase>> groups = new TreeMap<>();
        cases.forEach(c -> groups.computeIfAbsent(groupBy.key.apply(c), k -> new ArrayList<>()).add(c));
        List<Group> result = new ArrayList<>();
        groups.forEach((key, members) -> result.add(group(key, members, now)));
        return result;
    }

    private static Group group(String key, List<RecoveryCase> cases, Instant now) {
        List<Long> apology = new ArrayList<>();
        int finished = 0;
        int onTime = 0;
        int escalated = 0;
        int overdue = 0;
        Map<String, BigDecimal> cost = new TreeMap<>();
        Duration handling = Duration.ZERO;
        for (RecoveryCase c : cases) {
            for (Step step : c.steps()) {
                // A step skipped before its clock started (a follow-up still waiting when the case was resolved)
                // had no deadline to meet.
                if (step.state() == StepState.DONE || step.state() == StepState.SKIPPED && step.startedAt() != null) {
                    finished++;
                    onTime += step.onTime() ? 1 : 0;
                }
                if (step.kind() == StepKind.APOLOGY && step.state() == StepState.DONE) {
                    apology.add(Duration.between(c.openedAt(), step.completedAt()).toMinutes());
                }
            }
            escalated += c.escalation() != null ? 1 : 0;
            overdue += c.state() != CaseState.RESOLVED && c.overdue() ? 1 : 0;
            for (Remedy remedy : c.remedies()) {
                cost.merge(remedy.currency() == null ? Money.NO_CURRENCY : remedy.currency(), remedy.value(),
                        BigDecimal::add);
            }
            handling = handling.plus(Duration.between(c.openedAt(), c.resolvedAt() != null ? c.resolvedAt() : now));
        }
        apology.sort(Comparator.naturalOrder());
        return new Group(key, cases.size(), rank(apology, 0.5), rank(apology, 0.9), finished, onTime,
                finished == 0 ? null : (double) onTime / finished, escalated, overdue,
                cost.entrySet().stream().map(sum -> new Money(sum.getKey(), sum.getValue())).toList(),
                handling.toMinutes() / 60.0);
    }

    private static Long rank(List<Long> sorted, double quantile) {
        if (sorted.isEmpty()) {
            return null;
        }
        return sorted.get((int) Math.ceil(quantile * sorted.size()) - 1);
    }
}
