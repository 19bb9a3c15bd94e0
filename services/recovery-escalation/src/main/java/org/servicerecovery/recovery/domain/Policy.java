package org.servicerecovery.recovery.domain;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.servicerecovery.events.crm.Channel;
import org.servicerecovery.events.crm.Severity;
import org.servicerecovery.events.crm.Tier;
import org.servicerecovery.events.domain.EscalationLevel;
import org.servicerecovery.events.domain.RecoveryTrigger;
import org.servicerecovery.events.domain.StepKind;

/**
 * One immutable version of a recovery policy: which steps a case gets and how fast, who owns it, when it escalates.
 * A case keeps the version it was opened with, so changing the policy never moves a running case's deadlines.
 */
public record Policy(
        String id,
        int version,
        Duration attachWindow,
        Duration repeatWindow,
        double warningFraction,
        List<Rung> escalation,
        Map<Tier, Double> tierFactors,
        Map<RecoveryTrigger, Severity> triggerSeverity,
        int detractorMaxRating,
        Routing routing,
        Map<String, BusinessCalendar> calendars,
        Duration reopenWindow,
        List<Plan> plans) {

    /** A rung of the escalation ladder, reached {@code after} the breach of a step's deadline. */
    public record Rung(EscalationLevel level, Duration after) {
    }

    /** Complaints and feedback go to the first matching rule's team, else the account team, else the default. */
    public record Routing(String defaultTeam, boolean useAccountTeam, List<Route> rules) {
    }

    /** A rule matches when every condition it sets (null = any) holds. */
    public record Route(String category, Channel channel, Tier tier, String team) {
        boolean matches(String category, Channel channel, Tier tier) {
            return (this.category == null || this.category.equalsIgnoreCase(category))
                    && (this.channel == null || this.channel == channel)
                    && (this.tier == null || this.tier == tier);
        }
    }

    /** The steps for a severity, optionally narrowed to a trigger and/or a tier. */
    public record Plan(RecoveryTrigger trigger, Severity severity, Tier tier, List<StepSpec> steps) {
        int specificity() {
            return (trigger == null ? 0 : 1) + (tier == null ? 0 : 1);
        }
    }

    /**
     * A step: its window starts when the previous step is done ({@code fromOpen} false) or when the case opened, and
     * counts working time of the named calendar ({@code customerZone}: in the customer's time zone when known). A step
     * with a start delay ({@code after}, zero for none) waits that long after the previous step before it starts: the
     * follow-up asks its questions 48 hours after the remedy, once the customer has lived with it. {@code warningAt}
     * and {@code escalation}, when set, replace the policy's for this step (null: the policy's).
     */
    public record StepSpec(StepKind kind, String title, Duration due, boolean fromOpen, String calendar,
                           boolean customerZone, boolean autoSend, Duration after, Double warningAt,
                           List<Rung> escalation) {
    }

    public Policy {
        escalation = List.copyOf(escalation);
        tierFactors = Map.copyOf(tierFactors);
        triggerSeverity = Map.copyOf(triggerSeverity);
        calendars = Map.copyOf(calendars);
        plans = List.copyOf(plans);
    }

    /** The most specific plan for this trigger, severity and tier. */
    public Optional<Plan> plan(RecoveryTrigger trigger, Severity severity, Tier tier) {
        return plans.stream()
                .filter(plan -> plan.severity() == severity)
                .filter(plan -> plan.trigger() == null || plan.trigger() == trigger)
                .filter(plan -> plan.tier() == null || plan.tier() == tier)
                .max(Comparator.comparingInt(Plan::specificity));
    }

    /** Platinum customers get every window halved (by default); other tiers as configured, 1 when not listed. */
    public double factor(Tier tier) {
        return tierFactors.getOrDefault(tier, 1.0);
    }

    public BusinessCalendar calendar(String name) {
        return name == null ? BusinessCalendar.ALWAYS : calendars.getOrDefault(name, BusinessCalendar.ALWAYS);
    }

    public String route(String category, Channel channel, Tier tier, String accountTeam) {
        return routing.rules().stream().filter(rule -> rule.matches(category, channel, tier)).findFirst()
                .map(Route::team)
                .orElse(routing.useAccountTeam() && accountTeam != null ? accountTeam : routing.defaultTeam());
    }
}
