package org.servicerecovery.loyalty.domain;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
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
 * <li>everything order-dependent is kept in canonical order (event lists, failures) or as the canonical extreme (the
 * latest profile, a case's resolution and first opening that names its failure);</li>
 * <li>recovery credits, which cap and floor per case, are recomputed per case from the case's exact sums when the
 * score is read.</li>
 * </ul>
 * The arithmetic and the number of statements per fact do not grow with the history; the explanation does (it names
 * every event), and so do the lists this state keeps for it.
 */
public final class ScoreState {

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

    static final class Case {
        final String caseId;
        /** The first opening (canonical order) that names the failure, and that failure. */
        Entry triggerEntry;
        String triggerRef;
        ExactPoints credit = ExactPoints.ZERO;
        int escalations;
        Resolution resolved;
        final List<Entry> events = new ArrayList<>();

        Case(String caseId) {
            this.caseId = caseId;
        }
    }

    final Weights weights;
    private final Decay decay;
    /** The latest fact's time; null while there is none. */
    Instant asOf;
    Fact.Profile latestProfile;
    final List<String> profileIds = new ArrayList<>();
    ExactPoints kept = ExactPoints.ZERO;
    ExactPoints fulfilledLate = ExactPoints.ZERO;
    ExactPoints feedback = ExactPoints.ZERO;
    ExactPoints followUp = ExactPoints.ZERO;
    ExactPoints missed = ExactPoints.ZERO;
    ExactPoints complaints = ExactPoints.ZERO;
    final List<Entry> keptEvents = new ArrayList<>();
    final List<Entry> lateEvents = new ArrayList<>();
    final List<Entry> feedbackEvents = new ArrayList<>();
    final List<Entry> followUpEvents = new ArrayList<>();
    /** Retracted misses and the retractions, in canonical order. */
    final List<Entry> retractedEvents = new ArrayList<>();
    final Set<String> retractedPromises = new HashSet<>();
    /** Failures in canonical order. */
    final List<Failure> failures = new ArrayList<>();
    final Map<String, Case> cases = new HashMap<>();
    /** Every event id applied, built when first needed (a stored state holds the ids in its lists). */
    private Set<String> seen;

    ScoreState(Weights weights) {
        this.weights = weights;
        this.decay = new Decay(weights.halfLife());
    }

    public int weightsVersion() {
        return weights.version();
    }

    /** The latest profile (canonical order), or null: the customer's team and tier. */
    public Fact.Profile profile() {
        return latestProfile;
    }

    /**
     * Adds a fact wherever it falls in the canonical order. Returns false, changing nothing, for an event id already
     * applied: as in {@link History#canonical}, each event counts once.
     */
    public boolean apply(Fact fact) {
        if (!seen().add(fact.eventId())) {
            return false;
        }
        Entry entry = Entry.of(fact);
        asOf = asOf == null || fact.at().isAfter(asOf) ? fact.at() : asOf;
        if (fact instanceof Fact.Profile profile) {
            profileIds.add(profile.eventId());
            if (latestProfile == null || entry.compareTo(Entry.of(latestProfile)) > 0) {
                latestProfile = profile;
            }
        } else if (fact instanceof Fact.PromiseKept) {
            insert(keptEvents, entry);
            kept = kept.plus(decay.term(weights.promises().kept(), fact.at()));
        } else if (fact instanceof Fact.PromiseMissed miss && retractedPromises.contains(miss.promiseId())) {
            insert(retractedEvents, entry);
        } else if (fact instanceof Fact.PromiseMissed miss) {
            addFailure(new Failure(entry, false, miss.promiseId(), weights.promises().missed(),
                    weights.promises().missedRepeat(), false));
        } else if (fact instanceof Fact.PromiseMissRetracted retraction) {
            insert(retractedEvents, entry);
            if (retractedPromises.add(retraction.promiseId())) {
                retract(retraction.promiseId());
            }
        } else if (fact instanceof Fact.PromiseFulfilledLate) {
            insert(lateEvents, entry);
            fulfilledLate = fulfilledLate.plus(decay.term(weights.promises().fulfilledLate(), fact.at()));
        } else if (fact instanceof Fact.Complaint complaint) {
            double loss = weights.complaintPoints(complaint.severity());
            addFailure(new Failure(entry, true, complaint.complaintId(), loss, loss * weights.repeatComplaintFactor(), false));
        } else if (fact instanceof Fact.Feedback answer) {
            insert(feedbackEvents, entry);
            feedback = feedback.plus(decay.term(ScoringEngine.feedbackPoints(weights, answer.rating()), fact.at()));
            if (answer.answers() > 0) {
                insert(followUpEvents, entry);
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
        return true;
    }

    public Score score() {
        Map<String, List<String>> events = new HashMap<>();
        ScoringEngine.ORDER.forEach(factor -> events.put(factor, new ArrayList<>()));
        Map<String, ExactPoints> sums = new HashMap<>();
        ScoringEngine.DECAYED.forEach(factor -> sums.put(factor, ExactPoints.ZERO));
        double tierPoints = 0;
        if (latestProfile != null) {
            tierPoints = weights.tierPoints(latestProfile.tier());
            events.get(ScoringEngine.TIER).add(latestProfile.eventId());
        }
        ids(keptEvents, events.get(ScoringEngine.PROMISES_KEPT));
        ids(lateEvents, events.get(ScoringEngine.PROMISES_FULFILLED_LATE));
        ids(feedbackEvents, events.get(ScoringEngine.FEEDBACK));
        ids(followUpEvents, events.get(ScoringEngine.FOLLOW_UP_ANSWERS));
        ids(retractedEvents, events.get(ScoringEngine.PROMISES_MISS_RETRACTED));
        sums.put(ScoringEngine.PROMISES_KEPT, kept);
        sums.put(ScoringEngine.PROMISES_FULFILLED_LATE, fulfilledLate);
        sums.put(ScoringEngine.FEEDBACK, feedback);
        sums.put(ScoringEngine.FOLLOW_UP_ANSWERS, followUp);
        sums.put(ScoringEngine.PROMISES_MISSED, missed);
        sums.put(ScoringEngine.COMPLAINTS, complaints);
        Map<String, Failure> lastFailure = new HashMap<>();
        Map<String, Instant> firstFailureAt = new HashMap<>();
        for (Failure failure : failures) {
            events.get(failure.complaint ? ScoringEngine.COMPLAINTS : ScoringEngine.PROMISES_MISSED).add(failure.entry.eventId());
            lastFailure.put(failure.ref, failure);
            firstFailureAt.putIfAbsent(failure.ref, failure.entry.at());
        }
        List<Case> ordered = new ArrayList<>(cases.values());
        ordered.sort(Comparator.comparing(recovery -> recovery.events.get(0)));
        for (Case recovery : ordered) {
            credit(recovery, lastFailure, firstFailureAt, sums, events);
        }
        Map<String, Double> points = new HashMap<>();
        Instant at = asOf == null ? Instant.EPOCH : asOf;
        ScoringEngine.DECAYED.forEach(factor -> points.put(factor, decay.at(sums.get(factor), at)));
        points.put(ScoringEngine.PROMISES_KEPT, Math.min(points.get(ScoringEngine.PROMISES_KEPT), weights.promises().keptCap()));
        points.put(ScoringEngine.BASELINE, (double) weights.baseline());
        points.put(ScoringEngine.TIER, tierPoints);
        return ScoringEngine.explain(weights, points, events, at);
    }

    /** A case's credit, by the same rules as the engine's. */
    private void credit(Case recovery, Map<String, Failure> lastFailure, Map<String, Instant> firstFailureAt,
                        Map<String, ExactPoints> sums, Map<String, List<String>> events) {
        if (recovery.triggerRef != null && retractedPromises.contains(recovery.triggerRef)) {
            ids(recovery.events, events.get(ScoringEngine.PROMISES_MISS_RETRACTED));
            return;
        }
        ids(recovery.events, events.get(ScoringEngine.RECOVERY));
        Failure failure = recovery.triggerRef == null ? null : lastFailure.get(recovery.triggerRef);
        ExactPoints credit;
        if (failure == null) {
            credit = ExactPoints.max(ExactPoints.ZERO, recovery.credit);
        } else {
            ExactPoints restorable = decay.term(failure.loss(), firstFailureAt.get(recovery.triggerRef)).abs();
            boolean completeAndOnTime = recovery.resolved != null && recovery.resolved.allOnTime() && recovery.escalations == 0;
            if (completeAndOnTime && !failure.repeat) {
                credit = restorable;
                sums.merge(ScoringEngine.RECOVERY_PARADOX,
                        decay.term(weights.recovery().paradoxBonus(), recovery.resolved.entry().at()), ExactPoints::plus);
                events.get(ScoringEngine.RECOVERY_PARADOX).add(recovery.resolved.entry().eventId());
            } else {
                double share = failure.repeat ? weights.recovery().repeatRestore() : weights.recovery().partialRestore();
                credit = ExactPoints.max(ExactPoints.ZERO, ExactPoints.min(recovery.credit, restorable.times(share)));
            }
        }
        sums.merge(ScoringEngine.RECOVERY, credit, ExactPoints::plus);
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
                insert(retractedEvents, failure.entry);
                refreshRepeat(index);
            }
        }
    }

    /** Whether a failure has another just before it within the repeat window; only the next one can change. */
    private boolean followsWithinWindow(int index) {
        return index > 0 && !failures.get(index - 1).entry.at().isBefore(
                failures.get(index).entry.at().minus(weights.repeatWindow()));
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
        insert(recovery.events, entry);
        return recovery;
    }

    private Set<String> seen() {
        if (seen == null) {
            seen = new HashSet<>(profileIds);
            List.of(keptEvents, lateEvents, feedbackEvents, retractedEvents)
                    .forEach(list -> list.forEach(entry -> seen.add(entry.eventId())));
            failures.forEach(failure -> seen.add(failure.entry.eventId()));
            cases.values().forEach(recovery -> recovery.events.forEach(entry -> seen.add(entry.eventId())));
        }
        return seen;
    }

    private static void insert(List<Entry> list, Entry entry) {
        insert(list, entry, entry);
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

    private static void ids(List<Entry> entries, List<String> into) {
        entries.forEach(entry -> into.add(entry.eventId()));
    }
}
