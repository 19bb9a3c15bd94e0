package org.servicerecovery.recovery.domain;

import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import org.servicerecovery.events.crm.Channel;
import org.servicerecovery.events.crm.Severity;
import org.servicerecovery.events.crm.Tier;
import org.servicerecovery.events.domain.EscalationLevel;
import org.servicerecovery.events.domain.RecoveryTrigger;
import org.servicerecovery.events.domain.StepKind;
import org.servicerecovery.servicekit.Text;

/**
 * Reads a policy from YAML and checks all of it before anything uses it: every problem is reported at once, each with
 * the path of the offending field ({@code plans[2].steps[0].due: "4h" is not an ISO-8601 duration}).
 */
public final class PolicyParser {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final List<String> errors = new ArrayList<>();

    private PolicyParser() {
    }

    /** The policy in {@code yaml}, numbered {@code version} (the version in the file, if any, is ignored). */
    public static Policy parse(String yaml, int version) {
        JsonNode root;
        try {
            root = YAML.readTree(yaml);
        } catch (JsonProcessingException e) {
            throw new InvalidPolicyException(List.of("not valid YAML: " + e.getOriginalMessage()));
        }
        if (root == null || !root.isObject()) {
            throw new InvalidPolicyException(List.of("the policy must be a YAML mapping"));
        }
        return new PolicyParser().read(root, version);
    }

    private Policy read(JsonNode root, int version) {
        String id = text(root, "id", "id", true);
        Duration attach = duration(root.path("attachWindow"), "attachWindow", Duration.ofHours(24));
        Duration repeat = duration(root.path("repeatWindow"), "repeatWindow", Duration.ofDays(90));
        double warning = fraction(root, "warningAt", 0.75);
        List<Policy.Rung> ladder = ladder(root.path("escalation"), "escalation",
                List.of(new Policy.Rung(EscalationLevel.SUPERVISOR, Duration.ZERO),
                        new Policy.Rung(EscalationLevel.MANAGER, Duration.ofMinutes(60))));
        Map<Tier, Double> factors = new EnumMap<>(Tier.class);
        fields(root.path("tierFactors"), "tierFactors").forEach((name, node) -> {
            Tier tier = constant(Tier.class, name, "tierFactors." + name);
            double factor = node.asDouble(-1);
            if (factor <= 0 || factor > 1) {
                errors.add("tierFactors." + name + ": must be a factor in (0, 1], was " + node.asText());
            } else if (tier != null) {
                factors.put(tier, factor);
            }
        });
        Map<RecoveryTrigger, Severity> triggerSeverity = new EnumMap<>(RecoveryTrigger.class);
        triggerSeverity.put(RecoveryTrigger.MISSED_PROMISE, Severity.HIGH);
        triggerSeverity.put(RecoveryTrigger.DETRACTOR_FEEDBACK, Severity.MEDIUM);
        fields(root.path("triggerSeverity"), "triggerSeverity").forEach((name, node) -> {
            RecoveryTrigger trigger = constant(RecoveryTrigger.class, name, "triggerSeverity." + name);
            Severity severity = constant(Severity.class, node.asText(), "triggerSeverity." + name);
            if (trigger != null && severity != null) {
                triggerSeverity.put(trigger, severity);
            }
        });
        int detractorMax = root.path("detractorMaxRating").asInt(6);
        Map<String, BusinessCalendar> calendars = new HashMap<>();
        fields(root.path("calendars"), "calendars").forEach((name, node) -> {
            BusinessCalendar calendar = calendar(name, node, "calendars." + name);
            if (calendar != null) {
                calendars.put(name, calendar);
            }
        });
        Policy.Routing routing = routing(root.path("routing"));
        Duration reopen = duration(root.path("reopenWindow"), "reopenWindow", Duration.ofHours(24));
        List<Policy.Plan> plans = new ArrayList<>();
        JsonNode planNodes = root.path("plans");
        if (!planNodes.isArray() || planNodes.isEmpty()) {
            errors.add("plans: at least one plan is required");
        } else {
            for (int i = 0; i < planNodes.size(); i++) {
                Policy.Plan plan = plan(planNodes.get(i), "plans[" + i + "]", calendars.keySet());
                if (plan != null) {
                    plans.add(plan);
                }
            }
            for (Severity severity : Severity.values()) {
                if (plans.stream().noneMatch(p -> p.severity() == severity && p.trigger() == null && p.tier() == null)) {
                    errors.add("plans: no general plan (without trigger and tier) for severity "
                            + severity.name().toLowerCase(Locale.ROOT));
                }
            }
        }
        if (!errors.isEmpty()) {
            throw new InvalidPolicyException(errors);
        }
        return new Policy(id, version, attach, repeat, warning, ladder, factors, triggerSeverity, detractorMax, routing,
                calendars, reopen, plans);
    }

    /** The warning fraction at {@code field} of {@code node}, or {@code fallback} (may be null) when not set. */
    private Double fraction(JsonNode node, String path, Double fallback) {
        JsonNode value = node.path(path.substring(path.lastIndexOf('.') + 1));
        if (value.isMissingNode()) {
            return fallback;
        }
        double fraction = value.asDouble(-1);
        if (fraction <= 0 || fraction >= 1) {
            errors.add(path + ": must be a fraction between 0 and 1 (exclusive), was " + value.asText());
        }
        return fraction;
    }

    /** The rungs at {@code node}, or {@code fallback} (may be null) when not set. */
    private List<Policy.Rung> ladder(JsonNode node, String at, List<Policy.Rung> fallback) {
        if (node.isMissingNode()) {
            return fallback;
        }
        List<Policy.Rung> rungs = new ArrayList<>();
        if (!node.isArray() || node.isEmpty()) {
            errors.add(at + ": must be a non-empty list of {level, after}");
            return rungs;
        }
        for (int i = 0; i < node.size(); i++) {
            String path = at + "[" + i + "]";
            EscalationLevel level = constant(EscalationLevel.class, node.get(i).path("level").asText(), path + ".level");
            Duration after = duration(node.get(i).path("after"), path + ".after", Duration.ZERO);
            if (level != null && after != null) {
                if (!rungs.isEmpty() && (level.compareTo(rungs.get(rungs.size() - 1).level()) <= 0
                        || after.compareTo(rungs.get(rungs.size() - 1).after()) < 0)) {
                    errors.add(path + ": rungs must climb: a higher level, no earlier than the rung before");
                }
                rungs.add(new Policy.Rung(level, after));
            }
        }
        return rungs;
    }

    private Policy.Routing routing(JsonNode node) {
        String defaultTeam = text(node, "defaultTeam", "routing.defaultTeam", true);
        boolean useAccountTeam = node.path("useAccountTeam").asBoolean(true);
        List<Policy.Route> routes = new ArrayList<>();
        JsonNode rules = node.path("rules");
        for (int i = 0; i < rules.size(); i++) {
            JsonNode rule = rules.get(i);
            String path = "routing.rules[" + i + "]";
            String team = text(rule, "team", path + ".team", true);
            Channel channel = rule.has("channel") ? constant(Channel.class, rule.get("channel").asText(), path + ".channel") : null;
            Tier tier = rule.has("tier") ? constant(Tier.class, rule.get("tier").asText(), path + ".tier") : null;
            routes.add(new Policy.Route(text(rule, "category", path, false), channel, tier, team));
        }
        return new Policy.Routing(defaultTeam, useAccountTeam, routes);
    }

    private BusinessCalendar calendar(String name, JsonNode node, String path) {
        ZoneId zone = null;
        try {
            zone = ZoneId.of(node.path("zone").asText("UTC"));
        } catch (DateTimeException e) {
            errors.add(path + ".zone: \"" + node.path("zone").asText() + "\" is not an IANA time zone");
        }
        Map<DayOfWeek, BusinessCalendar.Hours> hours = new EnumMap<>(DayOfWeek.class);
        fields(node.path("hours"), path + ".hours").forEach((day, value) -> {
            DayOfWeek weekday = constant(DayOfWeek.class, day, path + ".hours." + day);
            BusinessCalendar.Hours window = hours(value.asText(), path + ".hours." + day);
            if (weekday != null && window != null) {
                hours.put(weekday, window);
            }
        });
        if (hours.isEmpty()) {
            errors.add(path + ".hours: a business calendar needs opening hours on at least one day");
        }
        Set<LocalDate> holidays = new HashSet<>();
        JsonNode dates = node.path("holidays");
        for (int i = 0; i < dates.size(); i++) {
            try {
                holidays.add(LocalDate.parse(dates.get(i).asText()));
            } catch (DateTimeException e) {
                errors.add(path + ".holidays[" + i + "]: \"" + dates.get(i).asText() + "\" is not a date (YYYY-MM-DD)");
            }
        }
        return zone == null ? null : new BusinessCalendar(name, zone, hours, holidays);
    }

    private BusinessCalendar.Hours hours(String value, String path) {
        String[] parts = value.split("-");
        try {
            if (parts.length == 2) {
                return new BusinessCalendar.Hours(LocalTime.parse(parts[0].trim()), LocalTime.parse(parts[1].trim()));
            }
        } catch (DateTimeException | IllegalArgumentException e) {
            // reported below, with the value
        }
        errors.add(path + ": \"" + value + "\" is not opening hours like 09:00-17:00");
        return null;
    }

    private Policy.Plan plan(JsonNode node, String path, Set<String> calendars) {
        Severity severity = constant(Severity.class, node.path("severity").asText(), path + ".severity");
        RecoveryTrigger trigger = node.has("trigger")
                ? constant(RecoveryTrigger.class, node.get("trigger").asText(), path + ".trigger") : null;
        Tier tier = node.has("tier") ? constant(Tier.class, node.get("tier").asText(), path + ".tier") : null;
        JsonNode stepNodes = node.path("steps");
        if (!stepNodes.isArray() || stepNodes.isEmpty()) {
            errors.add(path + ".steps: at least one step is required");
            return null;
        }
        List<Policy.StepSpec> steps = new ArrayList<>();
        for (int i = 0; i < stepNodes.size(); i++) {
            JsonNode step = stepNodes.get(i);
            String stepPath = path + ".steps[" + i + "]";
            StepKind kind = constant(StepKind.class, step.path("kind").asText(), stepPath + ".kind");
            Duration due = duration(step.path("due"), stepPath + ".due", null);
            if (due != null && (due.isZero() || due.isNegative())) {
                errors.add(stepPath + ".due: must be positive, was " + due);
            }
            String calendar = step.has("calendar") ? step.get("calendar").asText() : null;
            if (calendar != null && !calendars.contains(calendar)) {
                errors.add(stepPath + ".calendar: no calendar \"" + calendar + "\" in calendars");
            }
            String from = step.path("from").asText("previous");
            if (!from.equals("previous") && !from.equals("open")) {
                errors.add(stepPath + ".from: must be \"open\" or \"previous\", was \"" + from + "\"");
            }
            Duration after = duration(step.path("after"), stepPath + ".after", Duration.ZERO);
            if (after != null && after.isNegative()) {
                errors.add(stepPath + ".after: must not be negative, was " + after);
            }
            if (after != null && !after.isZero() && from.equals("open")) {
                errors.add(stepPath + ".after: a step counted from the case's opening cannot also wait for the previous one");
            }
            Double warningAt = fraction(step, stepPath + ".warningAt", null);
            List<Policy.Rung> escalation = ladder(step.path("escalation"), stepPath + ".escalation", null);
            String title = text(step, "title", stepPath + ".title", false);
            if (kind != null && due != null && after != null) {
                steps.add(new Policy.StepSpec(kind, title != null ? title : label(kind), due, from.equals("open"),
                        calendar, step.path("customerZone").asBoolean(false), step.path("autoSend").asBoolean(false),
                        after, warningAt, escalation));
            }
        }
        return severity == null ? null : new Policy.Plan(trigger, severity, tier, steps);
    }

    /** A name (id, team, title): it travels in events, so it keeps to their limit for names. */
    private String text(JsonNode node, String field, String path, boolean required) {
        JsonNode value = node.path(field);
        if (value.isTextual() && !value.asText().isBlank()) {
            String problem = Text.problem(value.asText(), Text.NAME_MAX_LENGTH, false);
            if (problem != null) {
                errors.add(path + ": " + problem);
                return null;
            }
            return value.asText();
        }
        if (required) {
            errors.add(path + ": is required");
        }
        return null;
    }

    private Duration duration(JsonNode node, String path, Duration fallback) {
        if (node.isMissingNode() || node.isNull()) {
            if (fallback == null) {
                errors.add(path + ": is required (an ISO-8601 duration such as PT4H or P2D)");
            }
            return fallback;
        }
        try {
            return Duration.parse(node.asText());
        } catch (DateTimeException e) {
            errors.add(path + ": \"" + node.asText() + "\" is not an ISO-8601 duration such as PT4H or P2D");
            return null;
        }
    }

    private <E extends Enum<E>> E constant(Class<E> type, String value, String path) {
        Function<E, String> external = e -> e.name().toLowerCase(Locale.ROOT).replace('_', '-');
        for (E candidate : type.getEnumConstants()) {
            if (external.apply(candidate).equalsIgnoreCase(value) || candidate.name().equalsIgnoreCase(value)) {
                return candidate;
            }
        }
        List<String> allowed = new ArrayList<>();
        for (E candidate : type.getEnumConstants()) {
            allowed.add(external.apply(candidate));
        }
        errors.add(path + ": \"" + value + "\" is not one of " + allowed);
        return null;
    }

    private Map<String, JsonNode> fields(JsonNode node, String path) {
        Map<String, JsonNode> result = new LinkedHashMap<>();
        if (node.isMissingNode()) {
            return result;
        }
        if (!node.isObject()) {
            errors.add(path + ": must be a mapping");
            return result;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            result.put(entry.getKey(), entry.getValue());
        }
        return result;
    }

    private static String label(StepKind kind) {
        return switch (kind) {
            case APOLOGY -> "Apologise";
            case REMEDY -> "Put it right";
            case FOLLOW_UP -> "Follow up: three questions";
            case SURVEY -> "Satisfaction survey";
            case CUSTOM -> "Custom step";
        };
    }
}
