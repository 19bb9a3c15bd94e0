package org.servicerecovery.loyalty.domain;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A customer's score kept up to date one fact at a time, in whatever order the facts arrive, always equal to
 * {@link ScoringEngine#score} over the canonical history of the same facts (ScoreStateTest checks that after every
 * fact of random histories). What makes that exact rather than close:
 * <ul>
 * <li>decayed points are exact sums of terms scaled to a fixed time ({@link Decay}, {@link ExactPoints}): adding a
 * fact adds its term, a retracted miss or a failure that became a repeat subtracts the old term and adds the new one,
 * and the order never matters; the sums are scaled to the latest fact's time only when the score is read;</li>
 * <li>a failure is a repeat when the failure just before it (in canonical order) lies within the repeat window, so
 * inserting or removing a failure changes at most the failure right after it;</li>
 * <li>each factor's explanation is its event count and its latest events ({@link Recent}), exact in any order;</li>
 * <li>recovery credits, which cap and floor per case, are recomputed per case from the case's exact sums when the
 * score is read.</li>
 * </ul>
 * What keeps it small: only the latest {@link #RETAINED} facts (the facts at or after the <em>horizon</em>, a canonical
 * position) are kept in detail, with the open cases and the cases whose failure is among them. Everything before the
 * horizon is folded: failures into the exact sums, the explanation and the time of the last of them; resolved cases
 * into exact recovery sums. A folded fact can change only through a fact that comes before the horizon or names the
 * same complaint, promise or case; the state answers {@link Applied#NEEDS_HISTORY} to such a fact (the refs it folded
 * are in a fixed-size Bloom filter, which never misses one and sometimes answers yes for another), and the caller
 * recomputes the customer from the whole stored history.
 */
public final class ScoreState {

    /** Facts kept in detail after folding; folding starts when twice as many are held. */
    static final int RETAINED = 32;

    /** What {@link #apply} did with a fact. */
    public enum Applied {
        /** Added to the score. */
        APPLIED,
        /** An event id already applied: each event counts once. Nothing changed. */
        DUPLICATE,
        /** The fact falls before the horizon or names something folded: nothing changed; rebuild from the history. */
        NEEDS_HISTORY
    }

    /** The canonical position of a fact: by time, then event id. */
    record Entry(Instant at, String eventId) implements Comparable<Entry> {

        private static final Comparator<Entry> CANONICAL = Comparator.comparing(Entry::at).thenComparing(Entry::eventId);

        static Entry of(Fact fact) {
            return new Entry(fact.at(), fact.eventId());
        }

        @Override
        public int compareTo(Entry other) {
            return CANONICAL.compare(this, other);
        }
    }

    /** A missed promise (not retracted) or a complaint: its losses, and whether it is a repeat. */
    static final class Failure {
        final Entry entry;
        final boolean complaint;
        final String ref;
        final double firstLoss;
        final double repeatLoss;
        boolean repeat;

        Failure(Entry entry, boolean complaint, String ref, double firstLoss, double repeatLoss, boolean repeat) {
            this.entry = entry;
            this.complaint = complaint;
            this.ref = ref;
            this.firstLoss = firstLoss;
            this.repeatLoss = repeatLoss;
            this.repeat = repeat;
        }

        double loss() {
            return repeat ? repeatLoss : firstLoss;
        }
    }

    record Resolution(Entry entry, boolean allOnTime) {
    }

    /** What a case needs of folded failures of its trigger: the last one's loss and repeat, the first one's time. */
    record FoldedTrigger(String ref, double loss, boolean repeat, Instant firstAt) {
    }

    static final class Case {
        final String caseId;
        /** The first opening (canonical order) that names the failure, and that failure. */
        Entry triggerEntry;
        String triggerRef;
        ExactPoints credit = ExactPoints.ZERO;
        int escalations;
        Resolution resolved;
        final List<Entry> events = new ArrayList<>();
        FoldedTrigger folded;

        Case(String caseId) {
            this.caseId = caseId;
        }
    }

    final Weights weights;
    private final Decay decay;
    /** The latest fact's time; null while there is none. */
    Instant asOf;
    Fact.Profile latestProfile;
    /** The earliest canonical position kept in detail; null while nothing is folded. */
    Entry horizon;
    /** Every fact applied at or after the horizon, in canonical order. */
    final List<Entry> recent = new ArrayList<>();
    ExactPoints kept = ExactPoints.ZERO;
    ExactPoints fulfilledLate = ExactPoints.ZERO;
    ExactPoints feedback = ExactPoints.ZERO;
    ExactPoints followUp = ExactPoints.ZERO;
    ExactPoints missed = ExactPoints.ZERO;
    ExactPoints complaints = ExactPoints.ZERO;
    /** The credits of folded cases. */
    ExactPoints foldedRecovery = ExactPoints.ZERO;
    ExactPoints foldedParadox = ExactPoints.ZERO;
    /** The explanation of everything not kept in detail: the additive factors, folded failures and cases. */
    final Map<String, Recent> explained = new HashMap<>();
    /** Every promise whose miss was retracted: a later miss of it counts for nothing. */
    final Set<String> retractedPromises = new HashSet<>();
    /** Failures at or after the horizon, in canonical order. */
    final List<Failure> failures = new ArrayList<>();
    /** The time of the last folded failure: whether the first kept failure is a repeat. */
    Instant lastFoldedFailureAt;
    final Map<String, Case> cases = new HashMap<>();
    /** Complaint, promise and case ids of folded failures and cases; null while nothing is folded. */
    RefFilter folded;
    private Set<String> seen;
    /**
     * While replaying a known history: where each ref is named last, so that nothing named later is folded; null
     * otherwise.
     */
    private Map<String, Entry> namedLast;

    ScoreState(Weights weights) {
        this.weights = weights;
        this.decay = new Decay(weights.halfLife());
        ScoringEngine.ORDER.forEach(factor -> explained.put(factor, new Recent()));
    }

    public int weightsVersion() {
        return weights.version();
    }

    /** The latest profile (canonical order), or null: the customer's team and tier. */
    public Fact.Profile profile() {
        return latestProfile;
    }

    /** Adds a fact wherever it falls in the canonical order, unless it needs the history ({@link Applied}). */
    public Applied apply(Fact fact) {
        Entry entry = Entry.of(fact);
        if (horizon != null && entry.compareTo(horizon) < 0) {
            return Applied.NEEDS_HISTORY;
        }
        if (seen().contains(fact.eventId())) {
            return Applied.DUPLICATE;
        }
        if (namesFolded(fact)) {
            return Applied.NEEDS_HISTORY;
        }
        seen.add(fact.eventId());
        insert(recent, entry, entry);
        asOf = asOf == null || fact.at().isAfter(asOf) ? fact.at() : asOf;
        if (fact instanceof Fact.Profile profile) {
            if (latestProfile == null || entry.compareTo(Entry.of(latestProfile)) > 0) {
                latestProfile = profile;
            }
        } else if (fact instanceof Fact.PromiseKept) {
            explained(ScoringEngine.PROMISES_KEPT).add(entry);
            kept = kept.plus(decay.term(weights.promises().kept(), fact.at()));
        } else if (fact instanceof Fact.PromiseMissed miss && retractedPromises.contains(miss.promiseId())) {
            explained(ScoringEngine.PROMISES_MISS_RETRACTED).add(entry);
        } else if (fact instanceof Fact.PromiseMissed miss) {
            addFailure(new Failure(entry, false, miss.promiseId(), weights.promises().missed(),
                    weights.promises().missedRepeat(), false));
        } else if (fact instanceof Fact.PromiseMissRetracted retraction) {
            explained(ScoringEngine.PROMISES_MISS_RETRACTED).add(entry);
            if (retractedPromises.add(retraction.promiseId())) {
                retract(retraction.promiseId());
            }
        } else if (fact instanceof Fact.PromiseFulfilledLate) {
            explained(ScoringEngine.PROMISES_FULFILLED_LATE).add(entry);
            fulfilledLate = fulfilledLate.plus(decay.term(weights.promises().fulfilledLate(), fact.at()));
        } else if (fact instanceof Fact.Complaint complaint) {
            double loss = weights.complaintPoints(complaint.severity());
            addFailure(new Failure(entry, true, complaint.complaintId(), loss, loss * weights.repeatComplaintFactor(), false));
        } else if (fact instanceof Fact.Feedback answer) {
            explained(ScoringEngine.FEEDBACK).add(entry);
            feedback = feedback.plus(decay.term(ScoringEngine.feedbackPoints(weights, answer.rating()), fact.at()));
            if (answer.answers() > 0) {
                explained(ScoringEngine.FOLLOW_UP_ANSWERS).add(entry);
                followUp = followUp.plus(decay.term(answer.answers() * weights.feedback().perAnsweredQuestion(), fact.at()));
            }
        } else if (fact instanceof Fact.CaseOpened opened) {
            Case recovery = caseOf(opened.caseId(), entry);
            if (opened.triggerRef() != null && (recovery.triggerEntry == null || entry.compareTo(recovery.triggerEntry) < 0)) {
                recovery.triggerEntry = entry;
                recovery.triggerRef = opened.triggerRef();
            }
        } else if (fact instanceof Fact.StepCompleted step) {
            Case recovery = caseOf(step.caseId(), entry);
            recovery.credit = recovery.credit.plus(decay.term(ScoringEngine.stepCredit(weights, step), fact.at()));
        } else if (fact instanceof Fact.CaseEscalated escalated) {
            Case recovery = caseOf(escalated.caseId(), entry);
            recovery.escalations++;
            recovery.credit = recovery.credit.plus(decay.term(weights.recovery().escalation(), fact.at()));
        } else if (fact instanceof Fact.CaseResolved resolved) {
            Case recovery = caseOf(resolved.caseId(), entry);
            boolean allOnTime = resolved.stepsOnTime() == resolved.stepsTotal();
            if (recovery.resolved == null || entry.compareTo(recovery.resolved.entry()) > 0) {
                recovery.resolved = new Resolution(entry, allOnTime);
            }
            if (allOnTime) {
                recovery.credit = recovery.credit.plus(decay.term(weights.recovery().resolvedOnTime(), fact.at()));
            }
        }
        if (recent.size() >= 2 * RETAINED) {
            fold(recent.get(recent.size() - RETAINED));
        }
        return Applied.APPLIED;
    }

    /**
     * The running score of a whole history, in canonical order. Knowing the history, it folds nothing that a later fact
     * of it names, so no fact of it needs the history.
     */
    static ScoreState replay(Weights weights, List<Fact> canonicalHistory) {
        ScoreState state = replaying(weights, canonicalHistory);
        canonicalHistory.forEach(state::replayed);
        state.namedLast = null;
        return state;
    }

    /** The score after each fact of a canonical history. */
    static List<Score> trajectory(Weights weights, List<Fact> canonicalHistory) {
        ScoreState state = replaying(weights, canonicalHistory);
        List<Score> scores = new ArrayList<>(canonicalHistory.size());
        for (Fact fact : canonicalHistory) {
            state.replayed(fact);
            scores.add(state.score());
        }
        return scores;
    }

    private static ScoreState replaying(Weights weights, List<Fact> canonicalHistory) {
        ScoreState state = new ScoreState(weights);
        Map<String, Entry> namedLast = new HashMap<>();
        canonicalHistory.forEach(fact -> refsNamed(fact).forEach(ref -> namedLast.put(ref, Entry.of(fact))));
        state.namedLast = namedLast;
        return state;
    }

    private void replayed(Fact fact) {
        if (apply(fact) == Applied.NEEDS_HISTORY) {
            throw new IllegalStateException("a replay in canonical order needed the history at " + fact);
        }
    }

    public Score score() {
        Map<String, Recent> events = new HashMap<>();
        explained.forEach((factor, recentEvents) -> events.put(factor, new Recent(recentEvents)));
        Map<String, ExactPoints> sums = new HashMap<>();
        double tierPoints = 0;
        if (latestProfile != null) {
            tierPoints = weights.tierPoints(latestProfile.tier());
            events.get(ScoringEngine.TIER).add(Entry.of(latestProfile));
        }
        sums.put(ScoringEngine.PROMISES_KEPT, kept);
        sums.put(ScoringEngine.PROMISES_FULFILLED_LATE, fulfilledLate);
        sums.put(ScoringEngine.FEEDBACK, feedback);
        sums.put(ScoringEngine.FOLLOW_UP_ANSWERS, followUp);
        sums.put(ScoringEngine.PROMISES_MISSED, missed);
        sums.put(ScoringEngine.COMPLAINTS, complaints);
        sums.put(ScoringEngine.PROMISES_MISS_RETRACTED, ExactPoints.ZERO);
        sums.put(ScoringEngine.RECOVERY, foldedRecovery);
        sums.put(ScoringEngine.RECOVERY_PARADOX, foldedParadox);
        for (Failure failure : failures) {
            events.get(failureFactor(failure)).add(failure.entry);
        }
        for (Case recovery : cases.values()) {
            credit(recovery, sums, events);
        }
        Map<String, Double> points = new HashMap<>();
        Instant at = asOf == null ? Instant.EPOCH : asOf;
        ScoringEngine.DECAYED.forEach(factor -> points.put(factor, decay.at(sums.get(factor), at)));
        points.put(ScoringEngine.PROMISES_KEPT, Math.min(points.get(ScoringEngine.PROMISES_KEPT), weights.promises().keptCap()));
        points.put(ScoringEngine.BASELINE, (double) weights.baseline());
        points.put(ScoringEngine.TIER, tierPoints);
        return ScoringEngine.explain(weights, points, events, at);
    }

    /** A case's credit and events, by the same rules as the engine's. */
    private void credit(Case recovery, Map<String, ExactPoints> sums, Map<String, Recent> events) {
        if (recovery.triggerRef != null && retractedPromises.contains(recovery.triggerRef)) {
            recovery.events.forEach(events.get(ScoringEngine.PROMISES_MISS_RETRACTED)::add);
            return;
        }
        recovery.events.forEach(events.get(ScoringEngine.RECOVERY)::add);
        Failure last = null;
        Instant firstAt = null;
        for (Failure failure : failures) {
            if (failure.ref.equals(recovery.triggerRef)) {
                last = failure;
                firstAt = firstAt == null ? failure.entry.at() : firstAt;
            }
        }
        FoldedTrigger folded = recovery.folded != null && recovery.folded.ref().equals(recovery.triggerRef) ? recovery.folded : null;
        if (folded != null) {
            firstAt = folded.firstAt();
        }
        ExactPoints credit;
        if (last == null && folded == null) {
            credit = ExactPoints.max(ExactPoints.ZERO, recovery.credit);
        } else {
            double loss = last != null ? last.loss() : folded.loss();
            boolean repeat = last != null ? last.repeat : folded.repeat();
            ExactPoints restorable = decay.term(loss, firstAt).abs();
            boolean completeAndOnTime = recovery.resolved != null && recovery.resolved.allOnTime() && recovery.escalations == 0;
            if (completeAndOnTime && !repeat) {
                credit = restorable;
                sums.merge(ScoringEngine.RECOVERY_PARADOX,
                        decay.term(weights.recovery().paradoxBonus(), recovery.resolved.entry().at()), ExactPoints::plus);
                events.get(ScoringEngine.RECOVERY_PARADOX).add(recovery.resolved.entry());
            } else {
                double share = repeat ? weights.recovery().repeatRestore() : weights.recovery().partialRestore();
                credit = ExactPoints.max(ExactPoints.ZERO, ExactPoints.min(recovery.credit, restorable.times(share)));
            }
        }
        sums.merge(ScoringEngine.RECOVERY, credit, ExactPoints::plus);
    }

    /**
     * Folds everything before {@code newHorizon} that no fact at or after it can change: the failures before it, then
     * the resolved cases all of whose events are before it and whose failure is folded too.
     */
    private void fold(Entry newHorizon) {
        if (folded == null) {
            folded = new RefFilter();
        }
        Iterator<Failure> oldFailures = failures.iterator();
        while (oldFailures.hasNext()) {
            Failure failure = oldFailures.next();
            if (failure.entry.compareTo(newHorizon) >= 0 || namedFrom(failure.ref, newHorizon)) {
                break;
            }
            explained(failureFactor(failure)).add(failure.entry);
            lastFoldedFailureAt = failure.entry.at();
            folded.add(failure.ref);
            for (Case recovery : cases.values()) {
                if (failure.ref.equals(recovery.triggerRef)) {
                    Instant firstAt = recovery.folded != null && recovery.folded.ref().equals(failure.ref)
                            ? recovery.folded.firstAt() : failure.entry.at();
                    recovery.folded = new FoldedTrigger(failure.ref, failure.loss(), failure.repeat, firstAt);
                }
            }
            oldFailures.remove();
        }
        Iterator<Case> oldCases = cases.values().iterator();
        while (oldCases.hasNext()) {
            Case recovery = oldCases.next();
            if (recovery.resolved == null || recovery.events.get(recovery.events.size() - 1).compareTo(newHorizon) >= 0
                    || failures.stream().anyMatch(failure -> failure.ref.equals(recovery.triggerRef))
                    || namedFrom(recovery.caseId, newHorizon) || namedFrom(recovery.triggerRef, newHorizon)) {
                continue;
            }
            Map<String, ExactPoints> sums = new HashMap<>();
            Map<String, Recent> events = Map.of(ScoringEngine.RECOVERY, explained(ScoringEngine.RECOVERY),
                    ScoringEngine.RECOVERY_PARADOX, explained(ScoringEngine.RECOVERY_PARADOX),
                    ScoringEngine.PROMISES_MISS_RETRACTED, explained(ScoringEngine.PROMISES_MISS_RETRACTED));
            credit(recovery, sums, events);
            foldedRecovery = foldedRecovery.plus(sums.getOrDefault(ScoringEngine.RECOVERY, ExactPoints.ZERO));
            foldedParadox = foldedParadox.plus(sums.getOrDefault(ScoringEngine.RECOVERY_PARADOX, ExactPoints.ZERO));
            folded.add(recovery.caseId);
            if (recovery.triggerRef != null) {
                folded.add(recovery.triggerRef);
            }
            oldCases.remove();
        }
        int keep = 0;
        while (recent.get(keep).compareTo(newHorizon) < 0) {
            seen.remove(recent.get(keep).eventId());
            keep++;
        }
        recent.subList(0, keep).clear();
        horizon = newHorizon;
    }

    /** Whether the fact names a complaint, promise or case that may have been folded. */
    private boolean namesFolded(Fact fact) {
        if (folded == null || namedLast != null
                || fact instanceof Fact.PromiseMissed miss && retractedPromises.contains(miss.promiseId())) {
            // a replay folds nothing a later fact names
            return false;
        }
        return refsNamed(fact).stream().anyMatch(folded::mayContain);
    }

    private boolean namedFrom(String ref, Entry position) {
        Entry last = ref == null || namedLast == null ? null : namedLast.get(ref);
        return last != null && last.compareTo(position) >= 0;
    }

    /** The complaint, promise and case ids through which a fact can change an earlier failure or case. */
    private static List<String> refsNamed(Fact fact) {
        if (fact instanceof Fact.PromiseMissed miss) {
            return List.of(miss.promiseId());
        }
        if (fact instanceof Fact.PromiseMissRetracted retraction) {
            return List.of(retraction.promiseId());
        }
        if (fact instanceof Fact.Complaint complaint) {
            return List.of(complaint.complaintId());
        }
        if (fact instanceof Fact.CaseOpened opened) {
            return opened.triggerRef() == null ? List.of(opened.caseId()) : List.of(opened.caseId(), opened.triggerRef());
        }
        if (fact instanceof Fact.StepCompleted step) {
            return List.of(step.caseId());
        }
        if (fact instanceof Fact.CaseEscalated escalated) {
            return List.of(escalated.caseId());
        }
        if (fact instanceof Fact.CaseResolved resolved) {
            return List.of(resolved.caseId());
        }
        return List.of();
    }

    private Recent explained(String factor) {
        return explained.get(factor);
    }

    private static String failureFactor(Failure failure) {
        return failure.complaint ? ScoringEngine.COMPLAINTS : ScoringEngine.PROMISES_MISSED;
    }

    private void addFailure(Failure failure) {
        int index = insert(failures, failure, failure.entry);
        failure.repeat = followsWithinWindow(index);
        addLoss(failure, 1);
        refreshRepeat(index + 1);
    }

    /** The promise was kept after all: its misses stop being failures and show as cancelled. */
    private void retract(String promiseId) {
        for (int index = failures.size() - 1; index >= 0; index--) {
            Failure failure = failures.get(index);
            if (!failure.complaint && failure.ref.equals(promiseId)) {
                addLoss(failure, -1);
                failures.remove(index);
                explained(ScoringEngine.PROMISES_MISS_RETRACTED).add(failure.entry);
                refreshRepeat(index);
            }
        }
    }

    /** Whether a failure has another just before it within the repeat window; only the next one can change. */
    private boolean followsWithinWindow(int index) {
        Instant previous = index > 0 ? failures.get(index - 1).entry.at() : lastFoldedFailureAt;
        return previous != null && !previous.isBefore(failures.get(index).entry.at().minus(weights.repeatWindow()));
    }

    private void refreshRepeat(int index) {
        if (index < failures.size() && failures.get(index).repeat != followsWithinWindow(index)) {
            Failure failure = failures.get(index);
            addLoss(failure, -1);
            failure.repeat = !failure.repeat;
            addLoss(failure, 1);
        }
    }

    private void addLoss(Failure failure, int sign) {
        ExactPoints term = decay.term(failure.loss(), failure.entry.at());
        ExactPoints signed = sign > 0 ? term : term.negate();
        if (failure.complaint) {
            complaints = complaints.plus(signed);
        } else {
            missed = missed.plus(signed);
        }
    }

    private Case caseOf(String caseId, Entry entry) {
        Case recovery = cases.computeIfAbsent(caseId, Case::new);
        insert(recovery.events, entry, entry);
        return recovery;
    }

    /** The ids of the facts at or after the horizon: a fact before it is never checked here. */
    private Set<String> seen() {
        if (seen == null) {
            seen = new HashSet<>();
            recent.forEach(entry -> seen.add(entry.eventId()));
        }
        return seen;
    }

    /** Inserts {@code item} at the canonical position of {@code entry}; returns its index. */
    private static <T> int insert(List<T> list, T item, Entry entry) {
        int low = 0;
        int high = list.size();
        while (low < high) {
            int middle = (low + high) >>> 1;
            if (entryOf(list.get(middle)).compareTo(entry) < 0) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        list.add(low, item);
        return low;
    }

    private static Entry entryOf(Object item) {
        return item instanceof Failure failure ? failure.entry : (Entry) item;
    }
}
