package org.servicerecovery.loyalty.domain;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What the company's own records say (promises kept on time, recovery steps on time) next to what its customers said
 * (ratings, promoters) for the same customers and period. A large positive gap means we think we do better than our
 * customers feel we do.
 */
public final class PerceptionGap {

    public record Row(String team, int promisesKept, int promisesMissed, double keptOnTimeRate, int stepsCompleted,
                      double stepsOnTimeRate, int feedbackCount, double averageRating, double promoterShare,
                      double detractorShare, double gap) {
    }

    /** A fact and the team of its customer ("unassigned" when the CRM named none). */
    public record TeamFact(String team, Fact fact) {
    }

    private PerceptionGap() {
    }

    public static List<Row> byTeam(List<TeamFact> facts) {
        Set<String> retractedMisses = facts.stream()
                .filter(teamFact -> teamFact.fact() instanceof Fact.PromiseMissRetracted)
                .map(teamFact -> ((Fact.PromiseMissRetracted) teamFact.fact()).promiseId())
                .collect(Collectors.toSet());
        Map<String, Tally> tallies = new TreeMap<>();
        for (TeamFact teamFact : facts) {
            Tally tally = tallies.computeIfAbsent(teamFact.team() == null ? "unassigned" : teamFact.team(), team -> new Tally());
            Fact fact = teamFact.fact();
            if (fact instanceof Fact.PromiseKept) {
                tally.kept++;
            } else if (fact instanceof Fact.PromiseMissed missed && !retractedMisses.contains(missed.promiseId())) {
                tally.missed++;
            } else if (fact instanceof Fact.StepCompleted step) {
                tally.steps++;
                tally.stepsOnTime += step.onTime() ? 1 : 0;
            } else if (fact instanceof Fact.Feedback feedback) {
                tally.feedback++;
                tally.ratingSum += feedback.rating();
                tally.promoters += feedback.rating() >= 9 ? 1 : 0;
                tally.detractors += feedback.rating() <= 6 ? 1 : 0;
            }
        }
        return tallies.entrySet().stream().map(entry -> entry.getValue().row(entry.getKey())).toList();
    }

    private static final class Tally {
        int kept;
        int missed;
        int steps;
        int stepsOnTime;
        int feedback;
        int ratingSum;
        int promoters;
        int detractors;

        Row row(String team) {
            double keptRate = ratio(kept, kept + missed);
            double promoterShare = ratio(promoters, feedback);
            return new Row(team, kept, missed, keptRate, steps, ratio(stepsOnTime, steps), feedback,
                    feedback == 0 ? 0 : (double) ratingSum / feedback, promoterShare, ratio(detractors, feedback),
                    keptRate - promoterShare);
        }

        private static double ratio(int part, int whole) {
            return whole == 0 ? 0 : (double) part / whole;
        }
    }
}
