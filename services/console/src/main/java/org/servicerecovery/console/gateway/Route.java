package org.servicerecovery.console.gateway;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which service owns an API path. The browser sees one origin and the services' own paths, so the console adds
 * nothing to learn: {@code /api/v1/promises/…} here is {@code /api/v1/promises/…} on promise-tracking.
 */
public record Route(String service, String baseUrl) {

    private record Rule(Pattern path, String service) {
    }

    private static final List<Rule> RULES = List.of(
            rule("/api/v1/promises", "promise-tracking"),
            rule("/api/v1/(cases|escalations|policies|reports/sla)", "recovery-escalation"),
            rule("/api/v1/(customers|reports/recovery-paradox|reports/perception-gap)", "loyalty-scoring"),
            rule("/api/v1/events", "intake"));

    /** Empty for the console's own paths ({@code /api/v1/me}, {@code /api/v1/admin/info}) and unknown ones. */
    public static Optional<Route> of(String path, Backends backends) {
        return RULES.stream().filter(rule -> rule.path().matcher(path).matches()).findFirst()
                .map(rule -> new Route(rule.service(), baseUrl(rule.service(), backends)));
    }

    private static Rule rule(String prefix, String service) {
        return new Rule(Pattern.compile(prefix + "(/.*)?"), service);
    }

    private static String baseUrl(String service, Backends backends) {
        return switch (service) {
            case "promise-tracking" -> backends.promiseTracking();
            case "recovery-escalation" -> backends.recoveryEscalation();
            case "loyalty-scoring" -> backends.loyaltyScoring();
            default -> backends.intake();
        };
    }
}
