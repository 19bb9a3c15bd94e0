package org.servicerecovery.loyalty.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.servicerecovery.events.domain.StepKind;

/**
 * Turns a customer's history, in canonical order (time, then event id), into an explainable score. Pure: the same
 * history always gives the same score, whenever and wherever it is computed.
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
    private static final List<String> ORDER = List.of(BASELINE, TIER, PROMISES_KEPT, PROMISES_MISSED,
            PROMISES_MISS_RETRACTED, PROMISES_FULFILLED_LATE, COMPLAINTS, RECOVERY, RECOVERY_PARADOX, FEEDBACK,
            FOLLOW_UP_ANSWERS);

    private final Weights weights;

    public ScoringEngine(Weights weights) {
        weights.validate();
        this.weights = weights;
    }

    public Weights weights() {
        return weights;
    }

    public Score score(List<Fact> history) {
        return new Evaluation(history).score();
    }

    /** The score after each fact of the history: the trend line, and the before/after of every failure. */
    public List<Score> trajectory(List<Fact> history) {
        List<Score> scores = new ArrayList<>(history.size());
        for (int i = 1; i <= history.size(); i++) {
            scores.add(score(history.subList(0, i)));
        }
        return scores;
    }

    /** One pass over one history. */
    private final class Evaluation {

        private final List<Fact> history;
        private final Instant asOf;
        private final Map<String, Double> points = new LinkedHashMap<>();
        private final Map<String, List<String>> events = new LinkedHashMap<>();
        private final Map<String, Failure> failures = new HashMap<>();
        private final List<Instant> failureTimes = new ArrayList<>();
        private final Map<String, Case> cases = new LinkedHashMap<>();
        /** Promises whose miss was retracted anywhere in the history: whichever order the facts came in. */
        private final Set<String> retractedMisses;

        private record Failure(double loss, boolean repeat) {
        }

        private static final class Case {
            final String triggerRef;
            double credit;
            int escalations;
            Fact.CaseResolved resolved;
            final List<String> eventIds = new ArrayList<>();

            Case(String triggerRef) {
                this.triggerRef = triggerRef;
            }
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
            ORDER.forEach(factor -> {
                points.put(factor, 0.0);
                events.put(factor, new ArrayList<>());
            });
            points.put(BASELINE, (double) weights.baseline());
            history.forEach(this::apply);
            capKeptPromises();
            cases.values().forEach(this::creditRecovery);
            return toScore();
        }

        private void apply(Fact fact) {
            if (fact instanceof Fact.Profile profile) {
                // only the latest profile counts: tier is a state, not an accumulation
                points.put(TIER, weights.tierPoints(profile.tier()));
                events.put(TIER, new ArrayList<>(List.of(profile.eventId())));
            } else if (fact instanceof Fact.PromiseKept kept) {
                add(PROMISES_KEPT, weights.promises().kept(), kept);
            } else if (fact instanceof Fact.PromiseMissed missed && retractedMisses.contains(missed.promiseId())) {
                // kept after all: the miss costs nothing, makes no later failure a repeat, and is shown as cancelled
                events.get(PROMISES_MISS_RETRACTED).add(missed.eventId());
            } else if (fact instanceof Fact.PromiseMissed missed) {
                fail(PROMISES_MISSED, missed.promiseId(), weights.promises().missed(), weights.promises().missedRepeat(), missed);
            } else if (fact instanceof Fact.PromiseMissRetracted retracted) {
                events.get(PROMISES_MISS_RETRACTED).add(retracted.eventId());
            } else if (fact instanceof Fact.PromiseFulfilledLate late) {
                add(PROMISES_FULFILLED_LATE, weights.promises().fulfilledLate(), late);
            } else if (fact instanceof Fact.Complaint complaint) {
                double loss = weights.complaintPoints(complaint.severity());
                fail(COMPLAINTS, complaint.complaintId(), loss, loss * weights.repeatComplaintFactor(), complaint);
            } else if (fact instanceof Fact.Feedback feedback) {
                add(FEEDBACK, feedbackPoints(feedback.rating()), feedback);
                if (feedback.answers() > 0) {
                    add(FOLLOW_UP_ANSWERS, feedback.answers() * weights.feedback().perAnsweredQuestion(), feedback);
                }
            } else if (fact instanceof Fact.CaseOpened opened) {
                caseOf(opened.caseId(), opened.triggerRef()).eventIds.add(opened.eventId());
            } else if (fact instanceof Fact.StepCompleted step) {
                Case recovery = caseOf(step.caseId(), null);
                recovery.credit += decayed(stepCredit(step), step.at());
                recovery.eventIds.add(step.eventId());
            } else if (fact instanceof Fact.CaseEscalated escalated) {
                Case recovery = caseOf(escalated.caseId(), null);
                recovery.escalations++;
                recovery.credit += decayed(weights.recovery().escalation(), escalated.at());
                recovery.eventIds.add(escalated.eventId());
            } else if (fact instanceof Fact.CaseResolved resolved) {
                Case recovery = caseOf(resolved.caseId(), null);
                recovery.resolved = resolved;
                if (resolved.stepsOnTime() == resolved.stepsTotal()) {
                    recovery.credit += decayed(weights.recovery().resolvedOnTime(), resolved.at());
                }
                recovery.eventIds.add(resolved.eventId());
            }
        }

        /** A failure within the repeat window of an earlier one weighs more, and its recovery cannot create a paradox. */
        private void fail(String factor, String ref, double first, double repeat, Fact fact) {
            boolean isRepeat = failureTimes.stream()
                    .anyMatch(earlier -> !earlier.isBefore(fact.at().minus(weights.repeatWindow())));
            double loss = isRepeat ? repeat : first;
            failureTimes.add(fact.at());
            failures.put(ref, new Failure(loss, isRepeat));
            add(factor, loss, fact);
        }

        private void creditRecovery(Case recovery) {
            if (recovery.triggerRef != null && retractedMisses.contains(recovery.triggerRef)) {
                // a case opened for a miss that did not happen recovered nothing: no credit, no paradox
                addAll(PROMISES_MISS_RETRACTED, 0, recovery.eventIds);
                return;
            }
            Failure failure = recovery.triggerRef == null ? null : failures.get(recovery.triggerRef);
            boolean completeAndOnTime = recovery.resolved != null
                    && recovery.resolved.stepsOnTime() == recovery.resolved.stepsTotal() && recovery.escalations == 0;
            if (failure == null) {
                // a recovery whose failure we never saw (e.g. a detractor's case): its credit, no paradox
                addAll(RECOVERY, Math.max(0, recovery.credit), recovery.eventIds);
                return;
            }
            double restorable = Math.abs(decayedFailureLoss(recovery.triggerRef, failure));
            if (completeAndOnTime && !failure.repeat()) {
                // restores exactly what the failure cost; the modest bonus on top is the paradox, capped by design
                addAll(RECOVERY, restorable, recovery.eventIds);
                addAll(RECOVERY_PARADOX, decayed(weights.recovery().paradoxBonus(), recovery.resolved.at()),
                        List.of(recovery.resolved.eventId()));
            } else {
                double share = failure.repeat() ? weights.recovery().repeatRestore() : weights.recovery().partialRestore();
                addAll(RECOVERY, Math.max(0, Math.min(recovery.credit, restorable * share)), recovery.eventIds);
            }
        }

        private double decayedFailureLoss(String ref, Failure failure) {
            return history.stream()
                    .filter(fact -> ref.equals(failureRef(fact)))
                    .findFirst()
                    .map(fact -> decayed(failure.loss(), fact.at()))
                    .orElse(failure.loss());
        }

        private static String failureRef(Fact fact) {
            if (fact instanceof Fact.PromiseMissed missed) {
                return missed.promiseId();
            }
            return fact instanceof Fact.Complaint complaint ? complaint.complaintId() : null;
        }

        private void capKeptPromises() {
            points.put(PROMISES_KEPT, Math.min(points.get(PROMISES_KEPT), weights.promises().keptCap()));
        }

        private double stepCredit(Fact.StepCompleted step) {
            return switch (step.kind()) {
                case APOLOGY -> step.onTime() ? weights.recovery().apologyOnTime() : 0;
                case REMEDY -> weights.recovery().remedyDone();
                case FOLLOW_UP, SURVEY -> weights.recovery().followUpDone();
                case CUSTOM -> 0;
            };
        }

        private double feedbackPoints(int rating) {
            Weights.Feedback feedback = weights.feedback();
            if (rating >= 9) {
                return feedback.promoter();
            }
            if (rating >= 7) {
                return feedback.passive();
            }
            return feedback.detractor() - (6 - rating) * feedback.detractorPerPointBelowSix();
        }

        private Case caseOf(String caseId, String triggerRef) {
            Case recovery = cases.computeIfAbsent(caseId, id -> new Case(triggerRef));
            if (recovery.triggerRef == null && triggerRef != null) {
                // the case opened after a step of it was seen (out of order): keep what we know
                Case replaced = new Case(triggerRef);
                replaced.credit = recovery.credit;
                replaced.escalations = recovery.escalations;
                replaced.resolved = recovery.resolved;
                replaced.eventIds.addAll(recovery.eventIds);
                cases.put(caseId, replaced);
                return replaced;
            }
            return recovery;
        }

        private void add(String factor, double rawPoints, Fact fact) {
            addAll(factor, decayed(rawPoints, fact.at()), List.of(fact.eventId()));
        }

        private void addAll(String factor, double value, List<String> eventIds) {
            points.merge(factor, value, Double::sum);
            events.get(factor).addAll(eventIds);
        }

        /** Half the weight every half-life before the time of the latest fact. */
        private double decayed(double value, Instant at) {
            Duration age = Duration.between(at, asOf);
            if (age.isNegative() || age.isZero()) {
                return value;
            }
            return value * Math.pow(0.5, (double) age.toMillis() / weights.halfLife().toMillis());
        }

        private Score toScore() {
            List<String> shown = ORDER.stream()
                    .filter(factor -> factor.equals(BASELINE) || !events.get(factor).isEmpty())
                    .toList();
            double[] exact = shown.stream().mapToDouble(points::get).toArray();
            int[] whole = Apportion.wholePoints(exact);
            List<Contribution> contributions = new ArrayList<>();
            int total = 0;
            for (int i = 0; i < shown.size(); i++) {
                contributions.add(new Contribution(shown.get(i), whole[i], events.get(shown.get(i))));
                total += whole[i];
            }
            int bounded = Math.max(0, Math.min(100, total));
            if (bounded != total) {
                contributions.add(new Contribution(BOUNDS, bounded - total, List.of()));
            }
            return new Score(bounded, Score.band(bounded), contributions, asOf, weights.version());
        }
    }
}
