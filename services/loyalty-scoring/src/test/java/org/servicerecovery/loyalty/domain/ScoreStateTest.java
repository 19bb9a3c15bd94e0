package org.servicerecovery.loyalty.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.servicerecovery.events.crm.Severity;
import org.servicerecovery.events.crm.Tier;
import org.servicerecovery.events.domain.StepKind;

/**
 * The property that lets the service score a fact without reading the customer's history: a running score fed the
 * facts one at a time, in any order, with duplicates, stored and read back at any point, equals the engine's score of
 * the whole canonical history after every fact: value, band, every contribution with its events, asOf.
 */
class ScoreStateTest {

    private static final Instant T0 = Instant.parse("2026-01-05T08:00:00Z");
    private static final int HISTORIES = 1_000;

    private final ScoringEngine engine = new ScoringEngine(ScoringEngineTest.shippedWeights());

    @Test
    void aRunningScoreEqualsTheFullRecomputationAfterEveryFact() {
        long seed = Long.getLong("scoreState.seed", System.nanoTime());
        Random random = new Random(seed);
        int folded = 0;
        int fromHistory = 0;
        for (int run = 0; run < HISTORIES; run++) {
            int size = random.nextInt(4) == 0 ? 1 + random.nextInt(300) : 1 + random.nextInt(70);
            List<Fact> arrivals = arrivals(random, RandomHistories.history(random, size, T0));
            ScoreState state = engine.newState();
            List<Fact> applied = new ArrayList<>();
            for (int step = 0; step < arrivals.size(); step++) {
                Fact fact = arrivals.get(step);
                applied.add(fact);
                folded += state.horizon != null ? 1 : 0;
                if (state.apply(fact) == ScoreState.Applied.NEEDS_HISTORY) {
                    // the service's fallback: the customer's whole stored history, this fact included
                    fromHistory++;
                    state = engine.replay(applied);
                }
                if (random.nextInt(5) == 0) {
                    state = ScoreStateCodec.decode(engine.weights(), ScoreStateCodec.encode(state));
                }
                Score expected = engine.score(History.canonical(applied));
                Score actual = state.score();
                if (!expected.equals(actual)) {
                    throw new AssertionError("seed " + seed + " (rerun with -DscoreState.seed=" + seed + "), history "
                            + run + ", after " + (step + 1) + " facts " + applied + ":\n expected " + expected
                            + "\n actual   " + actual);
                }
            }
        }
        // both paths ran: facts applied to a state with folded history, and facts that needed the history
        assertTrue(folded > 10_000, "facts applied after a fold: " + folded);
        assertTrue(fromHistory > 1_000, "facts that needed the history: " + fromHistory);
    }

    @Test
    void aLongHistoryKeepsASmallStateAndAShortExplanation() {
        List<Fact> history = History.canonical(lifetime(new Random(17), 10_000));
        ScoreState state = engine.replay(history.subList(0, 5_000));
        List<Fact> applied = new ArrayList<>(history.subList(0, 5_000));
        int fromHistory = 0;
        for (Fact fact : history.subList(5_000, history.size())) {
            applied.add(fact);
            if (state.apply(fact) == ScoreState.Applied.NEEDS_HISTORY) {
                // a new complaint, promise or case id the filter of folded ids answers yes for
                fromHistory++;
                state = engine.replay(applied);
            }
        }
        Score score = state.score();
        assertEquals(engine.score(history), score);
        assertTrue(fromHistory < 50, "facts in time order that needed the history: " + fromHistory);
        assertTrue(state.recent.size() < 2 * ScoreState.RETAINED, "facts kept in detail: " + state.recent.size());
        assertTrue(state.cases.size() < 10, "cases kept in detail: " + state.cases.size());
        int stored = ScoreStateCodec.encode(state).length;
        assertTrue(stored < 16_000, "stored bytes: " + stored);
        score.contributions().forEach(contribution -> assertTrue(contribution.eventIds().size() <= Recent.SHOWN));
        assertTrue(score.contributions().stream().mapToInt(Contribution::eventCount).sum() >= history.size());
    }

    /**
     * A customer's life in time order: kept and late promises, feedback, profile changes, and failures (missed promises,
     * complaints) each followed within days by its recovery case, steps and resolution.
     */
    private static List<Fact> lifetime(Random random, int size) {
        List<Fact> history = new ArrayList<>();
        Instant at = T0.minus(Duration.ofDays(800));
        for (int i = 0; history.size() < size; i++) {
            at = at.plus(Duration.ofMinutes(1 + random.nextInt(600)));
            String id = "e" + i;
            switch (random.nextInt(12)) {
                case 0, 1, 2, 3 -> history.add(new Fact.PromiseKept(id, at, "p" + i));
                case 4 -> history.add(new Fact.PromiseFulfilledLate(id, at, "p" + i));
                case 5, 6 -> history.add(new Fact.Feedback(id, at, random.nextInt(11), random.nextInt(4)));
                case 7 -> history.add(new Fact.Profile(id, at, Tier.values()[random.nextInt(Tier.values().length)], "team"));
                default -> {
                    String ref = (random.nextBoolean() ? "p" : "c") + i;
                    history.add(ref.startsWith("p") ? new Fact.PromiseMissed(id, at, ref)
                            : new Fact.Complaint(id, at, ref, Severity.values()[random.nextInt(Severity.values().length)]));
                    String caseId = "k" + i;
                    history.add(new Fact.CaseOpened(id + "o", at.plusSeconds(60), caseId, ref));
                    history.add(new Fact.StepCompleted(id + "a", at.plus(Duration.ofHours(2)), caseId, StepKind.APOLOGY,
                            random.nextInt(4) > 0));
                    if (random.nextInt(5) == 0) {
                        history.add(new Fact.CaseEscalated(id + "x", at.plus(Duration.ofHours(20)), caseId));
                    }
                    history.add(new Fact.StepCompleted(id + "r", at.plus(Duration.ofDays(1)), caseId, StepKind.REMEDY, true));
                    history.add(new Fact.CaseResolved(id + "z", at.plus(Duration.ofDays(2)), caseId, 2, 2));
                }
            }
        }
        return history;
    }

    @Test
    void aFactAppliedTwiceCountsOnce() {
        ScoreState state = engine.newState();
        Fact missed = new Fact.PromiseMissed("e1", T0, "p1");
        state.apply(missed);
        Score once = state.score();
        assertEquals(ScoreState.Applied.DUPLICATE, state.apply(missed));
        assertEquals(once, state.score());
    }

    @Test
    void aStateOfAnotherWeightsVersionIsNotRead() {
        Weights shipped = engine.weights();
        Weights next = new Weights(shipped.version() + 1, shipped.baseline(), shipped.halfLife(), shipped.repeatWindow(),
                shipped.tier(), shipped.promises(), shipped.complaint(), shipped.repeatComplaintFactor(), shipped.recovery(),
                shipped.feedback(), shipped.changeThreshold());
        byte[] stored = ScoreStateCodec.encode(engine.newState());
        assertThrows(IllegalArgumentException.class, () -> ScoreStateCodec.decode(next, stored));
    }

    /** Shuffled, or in time order with a few facts late, or reversed; some delivered twice. */
    private static List<Fact> arrivals(Random random, List<Fact> history) {
        List<Fact> arrivals = new ArrayList<>(History.canonical(history));
        switch (random.nextInt(4)) {
            case 0 -> Collections.shuffle(arrivals, random);
            case 1 -> {
                for (int i = 0; i < arrivals.size() / 5; i++) {
                    int from = random.nextInt(arrivals.size());
                    arrivals.add(Math.min(arrivals.size() - 1, from + random.nextInt(8)), arrivals.remove(from));
                }
            }
            case 2 -> Collections.reverse(arrivals);
            default -> {
                // canonical order: the rebuild's path
            }
        }
        for (int i = random.nextInt(4); i > 0; i--) {
            arrivals.add(random.nextInt(arrivals.size() + 1), arrivals.get(random.nextInt(arrivals.size())));
        }
        return arrivals;
    }
}
