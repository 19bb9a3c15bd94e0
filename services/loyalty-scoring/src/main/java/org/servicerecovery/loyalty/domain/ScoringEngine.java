package org.servicerecovery.loyalty.domain;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Turns a customer's history, in canonical order (time, then event id), into an explainable score. Pure: the same
 * history always gives the same score, whenever and wherever it is computed. This is the score's definition, one pass
 * over the whole history; {@link ScoreState} keeps the same score up to date a fact at a time and must always agree
 * with it exactly (ScoreStateTest).
 */
public final class ScoringEngine {

    static final String BASELINE = "baseline";
    static final String TIER = "tier";
    static final String PROMISES_KEPT = "promises-kept";
    static final String PROMISES_MISSED = "promises-missed";
    static final String PROMISES_MISS_RETRACTED = "promises-miss-retracted";
    static final String PROMISES_FULFILLED_LATE = "promises-fulfilled-late";
    static final String COMPLAINTS = "complaints";
    static final String RECOVERY = "recovery";
    static final String RECOVERY_PARADOX = "recovery-paradox";
    static final String FEEDBACK = "feedback";
    static final String FOLLOW_UP_ANSWERS = "follow-up-answers";
    static final String BOUNDS = "bounds";
    static final List<String> ORDER = List.of(BASELINE, TIER, PROMISES_KEPT, PROMISES_MISSED,
            PROMISES_MISS_RETRACTED, PROMISES_FULFILLED_LATE, COMPLAINTS, RECOVERY, RECOVERY_PARADOX, FEEDBACK,
            FOLLOW_UP_ANSWERS);
    /** Factors whose points are decayed sums; the baseline and the tier are not decayed. */
    static final List<String> DECAYED = List.of(PROMISES_KEPT, PROMISES_MISSED, PROMISES_MISS_RETRACTED,
            PROMISES_FULFILLED_LATE, COMPLAINTS, RECOVERY, RECOVERY_PARADOX, FEEDBACK, FOLLOW_UP_ANSWERS);

    private final Weights weights;
    private final Decay decay;

    public ScoringEngine(Weights weights) {
        weights.validate();
        this.weights = weights;
        this.decay = new Decay(weights.halfLife());
    }

    public Weights weights() {
        return weights;
    }

    public Score score(List<Fact> history) {
        return new Evaluation(history).score();
    }

    /** An empty running score, to which facts are added one at a time, in any order. */
    public ScoreState newState() {
        return new ScoreState(weights);
    }

    /** The running score of a whole history, equal to {@link #score} of it; its facts in any order. */
    public ScoreState replay(List<Fact> facts) {
        return ScoreState.replay(weights, History.canonical(facts));
    }

    /**
     * The score after each fact of a canonical history: the trend line, and the before/after of every failure. An
     * event id seen before repeats the score before it.
     */
    public List<Score> trajectory(List<Fact> canonicalHistory) {
        return ScoreState.trajectory(weights, canonicalHistory);
    }

    /**
     * The explanation: each shown factor's exact points (decayed sums already scaled to {@code asOf}) to whole points
     * that add up to the bounded score. Shared by the engine and the running state, so equal points give equal scores.
     */
    static Score explain(Weights weights, Map<String, Double> points, Map<String, Recent> events, Instant asOf) {
        List<String> shown = ORDER.stream()
                .filter(factor -> factor.equals(BASELINE) || events.get(factor).count() > 0)
                .toList();
        double[] exact = shown.stream().mapToDouble(points::get).toArray();
        int[] whole = Apportion.wholePoints(exact);
        List<Contribution> contributions = new ArrayList<>();
        int total = 0;
        for (int i = 0; i < shown.size(); i++) {
            Recent behind = events.get(shown.get(i));
            contributions.add(new Contribution(shown.get(i), whole[i], behind.eventIds(), behind.count()));
            total += whole[i];
        }
        int bounded = Math.max(0, Math.min(100, total));
        if (bounded != total) {
            contributions.add(new Contribution(BOUNDS, bounded - total, List.of()));
        }
        return new Score(bounded, Score.band(bounded), contributions, asOf, weights.version());
    }

    /** The points of a step of a recovery case, before decay. */
    static double stepCredit(Weights weights, Fact.StepCompleted step) {
        return switch (step.kind()) {
            case APOLOGY -> step.onTime() ? weights.recovery().apologyOnTime() : 0;
            case REMEDY -> weights.recovery().remedyDone();
            case FOLLOW_UP, SURVEY -> weights.recovery().followUpDone();
            case CUSTOM -> 0;
        };
    }

    static double feedbackPoints(Weights weights, int rating) {
        Weights.Feedback feedback = weights.feedback();
        if (rating >= 9) {
            return feedback.promoter();
        }
        if (rating >= 7) {
            return feedback.passive();
        }
        return feedback.detractor() - (6 - rating) * feedback.detractorPerPointBelowSix();
    }

    /** One pass over one history. Decayed points are exact sums of {@link Decay#term}s, scaled to {@code asOf} at the end. */
    private final class Evaluation {

        private final List<Fact> history;
        private final Instant asOf;
        private final Map<String, ExactPoints> points = new HashMap<>();
        private double tierPoints;
        private final Map<String, List<ScoreState.Entry>> events = new LinkedHashMap<>();
        /** Per failure ref: the loss and repeat of its last failure, the time of its first. */
        private final Map<String, Failure> failures = new HashMap<>();
        private final Map<String, Instant> firstFailureAt = new HashMap<>();
        private Instant lastFailureAt;
        private final Map<String, Case> cases = new LinkedHashMap<>();
        /** Promises whose miss was retracted anywhere in the history: whichever order the facts came in. */
        private final Set<String> retractedMisses;

        private record Failure(double loss, boolean repeat) {
        }

        private static final class Case {
            String triggerRef;
            ExactPoints credit = ExactPoints.ZERO;
            int escalations;
            Fact.CaseResolved resolved;
            final List<ScoreState.Entry> eventIds = new ArrayList<>();
        }

        Evaluation(List<Fact> history) {
            this.history = history;
            this.asOf = history.isEmpty() ? Instant.EPOCH : history.get(history.size() - 1).at();
            this.retractedMisses = history.stream()
                    .filter(Fact.PromiseMissRetracted.class::isInstance)
                    .map(fact -> ((Fact.PromiseMissRetracted) fact).promiseId())
                    .collect(Collectors.toSet());
        }

        Score score() {
            ORDER.forEach(factor -> events.put(factor, new ArrayList<>()));
            DECAYED.forEach(factor -> points.put(factor, ExactPoints.ZERO));
            history.forEach(this::apply);
            cases.values().forEach(this::creditRecovery);
            Map<String, Double> scaled = new HashMap<>();
            DECAYED.forEach(factor -> scaled.put(factor, decay.at(points.get(factor), asOf)));
            // being reliable is expected: it cannot buy unlimited goodwill
            scaled.put(PROMISES_KEPT, Math.min(scaled.get(PROMISES_KEPT), weights.promises().keptCap()));
            scaled.put(BASELINE, (double) weights.baseline());
            scaled.put(TIER, tierPoints);
            Map<String, Recent> shown = new HashMap<>();
            events.forEach((factor, entries) -> shown.put(factor, Recent.of(entries)));
            return explain(weights, scaled, shown, asOf);
        }

        private void apply(Fact fact) {
            if (fact instanceof Fact.Profile profile) {
                // only the latest profile counts: tier is a state, not an accumulation
                tierPoints = weights.tierPoints(profile.tier());
                events.put(TIER, new ArrayList<>(List.of(ScoreState.Entry.of(profile))));
            } else if (fact instanceof Fact.PromiseKept kept) {
                add(PROMISES_KEPT, weights.promises().kept(), kept);
            } else if (fact instanceof Fact.PromiseMissed missed && retractedMisses.contains(missed.promiseId())) {
                // kept after all: the miss costs nothing, makes no later failure a repeat, and is shown as cancelled
                events.get(PROMISES_MISS_RETRACTED).add(ScoreState.Entry.of(missed));
            } else if (fact instanceof Fact.PromiseMissed missed) {
                fail(PROMISES_MISSED, missed.promiseId(), weights.promises().missed(), weights.promises().missedRepeat(), missed);
            } else if (fact instanceof Fact.PromiseMissRetracted retracted) {
                events.get(PROMISES_MISS_RETRACTED).add(ScoreState.Entry.of(retracted));
            } else if (fact instanceof Fact.PromiseFulfilledLate late) {
                add(PROMISES_FULFILLED_LATE, weights.promises().fulfilledLate(), late);
            } else if (fact instanceof Fact.Complaint complaint) {
                double loss = weights.complaintPoints(complaint.severity());
                fail(COMPLAINTS, complaint.complaintId(), loss, loss * weights.repeatComplaintFactor(), complaint);
            } else if (fact instanceof Fact.Feedback feedback) {
                add(FEEDBACK, feedbackPoints(weights, feedback.rating()), feedback);
                if (feedback.answers() > 0) {
                    add(FOLLOW_UP_ANSWERS, feedback.answers() * weights.feedback().perAnsweredQuestion(), feedback);
                }
            } else if (fact instanceof Fact.CaseOpened opened) {
                Case recovery = caseOf(opened.caseId());
                if (recovery.triggerRef == null) {
                    // the first opening that names its failure links the case, also when a step of it came earlier
                    recovery.triggerRef = opened.triggerRef();
                }
                recovery.eventIds.add(ScoreState.Entry.of(opened));
            } else if (fact instanceof Fact.StepCompleted step) {
                Case recovery = caseOf(step.caseId());
                recovery.credit = recovery.credit.plus(decay.term(stepCredit(weights, step), step.at()));
                recovery.eventIds.add(ScoreState.Entry.of(step));
            } else if (fact instanceof Fact.CaseEscalated escalated) {
                Case recovery = caseOf(escalated.caseId());
                recovery.escalations++;
                recovery.credit = recovery.credit.plus(decay.term(weights.recovery().escalation(), escalated.at()));
                recovery.eventIds.add(ScoreState.Entry.of(escalated));
            } else if (fact instanceof Fact.CaseResolved resolved) {
                Case recovery = caseOf(resolved.caseId());
                recovery.resolved = resolved;
                if (resolved.stepsOnTime() == resolved.stepsTotal()) {
                    recovery.credit = recovery.credit.plus(decay.term(weights.recovery().resolvedOnTime(), resolved.at()));
                }
                recovery.eventIds.add(ScoreState.Entry.of(resolved));
            }
        }

        /** A failure within the repeat window of an earlier one weighs more, and its recovery cannot create a paradox. */
        private void fail(String factor, String ref, double first, double repeat, Fact fact) {
            boolean isRepeat = lastFailureAt != null && !lastFailureAt.isBefore(fact.at().minus(weights.repeatWindow()));
            double loss = isRepeat ? repeat : first;
            lastFailureAt = fact.at();
            failures.put(ref, new Failure(loss, isRepeat));
            firstFailureAt.putIfAbsent(ref, fact.at());
            add(factor, loss, fact);
        }

        private void creditRecovery(Case recovery) {
            if (recovery.triggerRef != null && retractedMisses.contains(recovery.triggerRef)) {
                // a case opened for a miss that did not happen recovered nothing: no credit, no paradox
                events.get(PROMISES_MISS_RETRACTED).addAll(recovery.eventIds);
                return;
            }
            Failure failure = recovery.triggerRef == null ? null : failures.get(recovery.triggerRef);
            if (failure == null) {
                // a recovery whose failure we never saw (e.g. a detractor's case): its credit, no paradox
                addAll(RECOVERY, ExactPoints.max(ExactPoints.ZERO, recovery.credit), recovery.eventIds);
                return;
            }
            ExactPoints restorable = decay.term(failure.loss(), firstFailureAt.get(recovery.triggerRef)).abs();
            boolean completeAndOnTime = recovery.resolved != null
                    && recovery.resolved.stepsOnTime() == recovery.resolved.stepsTotal() && recovery.escalations == 0;
            if (completeAndOnTime && !failure.repeat()) {
                // restores exactly what the failure cost; the modest bonus on top is the paradox, capped by design
                addAll(RECOVERY, restorable, recovery.eventIds);
                addAll(RECOVERY_PARADOX, decay.term(weights.recovery().paradoxBonus(), recovery.resolved.at()),
                        List.of(ScoreState.Entry.of(recovery.resolved)));
            } else {
                double share = failure.repeat() ? weights.recovery().repeatRestore() : weights.recovery().partialRestore();
                addAll(RECOVERY, ExactPoints.max(ExactPoints.ZERO, ExactPoints.min(recovery.credit, restorable.times(share))),
                        recovery.eventIds);
            }
        }

        private Case caseOf(String caseId) {
            return cases.computeIfAbsent(caseId, id -> new Case());
        }

        private void add(String factor, double rawPoints, Fact fact) {
            addAll(factor, decay.term(rawPoints, fact.at()), List.of(ScoreState.Entry.of(fact)));
        }

        private void addAll(String factor, ExactPoints value, List<ScoreState.Entry> eventIds) {
            points.merge(factor, value, ExactPoints::plus);
            events.get(factor).addAll(eventIds);
        }
    }
}
