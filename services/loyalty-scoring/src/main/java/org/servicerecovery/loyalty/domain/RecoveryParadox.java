package org.servicerecovery.loyalty.domain;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * For every recovery case resolved in a period: the customer's score before the failure, right after it, and after the
 * recovery. A recovery "ended above" when the last exceeds the first (the paradox); a double deviation is a recovery
 * that itself failed: not every step was done on time.
 */
public final class RecoveryParadox {

    public record Recovery(String customerId, String caseId, int beforeFailure, int atFailure, int afterRecovery,
                           boolean endedAbove, boolean doubleDeviation) {
    }

    public record Report(int recoveries, int endedAbove, double endedAboveShare, int doubleDeviations, List<Recovery> cases) {
    }

    private final ScoringEngine engine;

    public RecoveryParadox(ScoringEngine engine) {
        this.engine = engine;
    }

    /** {@code history}: one customer's canonical history. */
    public List<Recovery> recoveries(String customerId, List<Fact> history, Instant from, Instant to) {
        List<Score> trajectory = engine.trajectory(history);
        List<Recovery> recoveries = new ArrayList<>();
        for (int r = 0; r < history.size(); r++) {
            if (history.get(r) instanceof Fact.CaseResolved resolved && !resolved.at().isBefore(from) && resolved.at().isBefore(to)) {
                int failure = failureIndex(history, resolved.caseId());
                if (failure >= 0 && failure < r) {
                    int before = failure == 0 ? engine.weights().baseline() : trajectory.get(failure - 1).value();
                    int after = trajectory.get(r).value();
                    recoveries.add(new Recovery(customerId, resolved.caseId(), before, trajectory.get(failure).value(), after,
                            after > before, resolved.stepsOnTime() < resolved.stepsTotal()));
                }
            }
        }
        return recoveries;
    }

    public static Report summarise(List<Recovery> recoveries) {
        int above = (int) recoveries.stream().filter(Recovery::endedAbove).count();
        int doubles = (int) recoveries.stream().filter(Recovery::doubleDeviation).count();
        double share = recoveries.isEmpty() ? 0 : (double) above / recoveries.size();
        return new Report(recoveries.size(), above, share, doubles, recoveries.stream().limit(200).toList());
    }

    /** -1 when the case's failure is unknown, or was a miss retracted later (then there was nothing to recover). */
    private static int failureIndex(List<Fact> history, String caseId) {
        String ref = history.stream()
                .filter(fact -> fact instanceof Fact.CaseOpened opened && opened.caseId().equals(caseId))
                .map(fact -> ((Fact.CaseOpened) fact).triggerRef())
                .findFirst().orElse(null);
        if (history.stream().anyMatch(fact -> fact instanceof Fact.PromiseMissRetracted retracted
                && retracted.promiseId().equals(ref))) {
            return -1;
        }
        for (int i = 0; ref != null && i < history.size(); i++) {
            Fact fact = history.get(i);
            if ((fact instanceof Fact.PromiseMissed missed && ref.equals(missed.promiseId()))
                    || (fact instanceof Fact.Complaint complaint && ref.equals(complaint.complaintId()))) {
                return i;
            }
        }
        return -1;
    }
}
