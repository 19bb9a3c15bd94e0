package org.servicerecovery.loyalty.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.servicerecovery.events.crm.Severity;
import org.servicerecovery.events.crm.Tier;
import org.servicerecovery.events.domain.StepKind;

/** Customer histories for the property tests of scoring: the domain's (ScoreStateTest) and the service's rebuild. */
public final class RandomHistories {

    private RandomHistories() {
    }

    /**
     * {@code size} facts over months from {@code t0} (decay), failures close together and far apart (repeat rule), cases
     * for missed promises and complaints with every kind of step (paradox, partial and repeat restores), retractions
     * before and after their miss, ties on time, and a few facts from long ago.
     */
    public static List<Fact> history(Random random, int size, Instant t0) {
        List<Fact> history = new ArrayList<>();
        // few refs (a case, a complaint, a promise named again and again) or many (most named a few times, close together)
        int refs = random.nextBoolean() ? 1 : Math.max(1, size / 8);
        int promises = refs + random.nextInt(6);
        int complaints = refs + random.nextInt(4);
        int cases = refs + random.nextInt(4);
        for (int i = 0; i < size; i++) {
            Instant at = time(random, t0);
            String id = "e" + random.nextInt(1_000_000);
            String promise = "p" + random.nextInt(promises);
            String complaint = "c" + random.nextInt(complaints);
            String caseId = "k" + random.nextInt(cases);
            Fact fact = switch (random.nextInt(14)) {
                case 0 -> new Fact.Profile(id, at, Tier.values()[random.nextInt(Tier.values().length)], "team" + random.nextInt(3));
                case 1, 2 -> new Fact.PromiseKept(id, at, promise);
                case 3, 4 -> new Fact.PromiseMissed(id, at, promise);
                case 5 -> new Fact.PromiseMissRetracted(id, at, promise);
                case 6 -> new Fact.PromiseFulfilledLate(id, at, promise);
                case 7 -> new Fact.Complaint(id, at, complaint, Severity.values()[random.nextInt(Severity.values().length)]);
                case 8 -> new Fact.Feedback(id, at, random.nextInt(11), random.nextInt(4));
                case 9 -> new Fact.CaseOpened(id, at, caseId, switch (random.nextInt(4)) {
                    case 0 -> complaint;
                    case 1 -> null;
                    case 2 -> "unknown";
                    default -> promise;
                });
                case 10, 11 -> new Fact.StepCompleted(id, at, caseId, StepKind.values()[random.nextInt(StepKind.values().length)],
                        random.nextBoolean());
                case 12 -> new Fact.CaseEscalated(id, at, caseId);
                default -> {
                    int total = 1 + random.nextInt(3);
                    yield new Fact.CaseResolved(id, at, caseId, random.nextInt(3) == 0 ? random.nextInt(total) : total, total);
                }
            };
            history.add(fact);
        }
        return history;
    }

    private static Instant time(Random random, Instant t0) {
        return switch (random.nextInt(20)) {
            case 0 -> t0; // ties on time: the event id decides
            case 1 -> Instant.parse("1969-12-31T23:59:59.999Z").minus(Duration.ofDays(random.nextInt(20_000)));
            case 2 -> t0.plusNanos(random.nextInt(1_000_000));
            case 3, 4, 5 -> t0.plus(Duration.ofHours(random.nextInt(24 * 30))); // within a repeat window
            default -> t0.plus(Duration.ofMinutes(random.nextInt(60 * 24 * 540))); // a year and a half
        };
    }
}
