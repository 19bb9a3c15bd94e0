package org.servicerecovery.loyalty.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.servicerecovery.events.crm.Severity;
import org.servicerecovery.events.crm.Tier;
import org.servicerecovery.events.domain.LoyaltyBand;
import org.servicerecovery.events.domain.StepKind;

class ScoringEngineTest {

    private static final Instant T0 = Instant.parse("2026-03-02T09:00:00Z");
    private final ScoringEngine engine = new ScoringEngine(shippedWeights());
    private int ids;

    @Test
    void aNewCustomerStartsAtTheDocumentedBaseline() {
        Score score = engine.score(List.of());
        assertEquals(60, score.value());
        assertEquals(LoyaltyBand.NEUTRAL, score.band());
        assertEquals(List.of(new Contribution("baseline", 60, List.of())), score.contributions());
    }

    @Test
    void factorsAlwaysAddUpToTheScoreAndStayWithinBounds() {
        Random random = new Random(42);
        for (int run = 0; run < 500; run++) {
            List<Fact> history = randomHistory(random, random.nextInt(60));
            Score score = engine.score(History.canonical(history));
            assertEquals(score.value(), score.contributions().stream().mapToInt(Contribution::points).sum());
            assertTrue(score.value() >= 0 && score.value() <= 100, "score " + score.value());
            assertEquals(Score.band(score.value()), score.band());
        }
    }

    @Test
    void theSameEventsGiveTheSameScoreWhateverTheArrivalOrderOrDuplicates() {
        Random random = new Random(7);
        for (int run = 0; run < 100; run++) {
            List<Fact> history = randomHistory(random, 30);
            List<Fact> replayed = new ArrayList<>(history);
            replayed.addAll(history.subList(0, 10));
            Collections.shuffle(replayed, random);
            assertEquals(engine.score(History.canonical(history)), engine.score(History.canonical(replayed)));
        }
    }

    @Test
    void contributionsHalveEveryHalfLife() {
        Fact missed = new Fact.PromiseMissed(id(), T0, "p1");
        Fact later = new Fact.Profile(id(), T0.plus(Duration.ofDays(90)), Tier.STANDARD, "blue");
        assertEquals(-6, points(engine.score(List.of(missed)), "promises-missed"));
        assertEquals(-3, points(engine.score(List.of(missed, later)), "promises-missed"));
    }

    @Test
    void repeatedMissesWeighMore() {
        List<Fact> history = List.of(new Fact.PromiseMissed(id(), T0, "p1"), new Fact.PromiseMissed(id(), T0.plusSeconds(60), "p2"));
        assertEquals(-15, points(engine.score(history), "promises-missed"));
    }

    @Test
    void aRetractedMissCostsNothingItsRecoveryEarnsNothingAndTheExplanationShowsWhy() {
        Fact missed = new Fact.PromiseMissed(id(), T0.plusSeconds(10), "p1");
        Fact opened = new Fact.CaseOpened(id(), T0.plusSeconds(11), "c1", "p1");
        Fact apology = new Fact.StepCompleted(id(), T0.plusSeconds(12), "c1", StepKind.APOLOGY, true);
        Fact kept = new Fact.PromiseKept(id(), T0.plusSeconds(5), "p1");
        Fact retracted = new Fact.PromiseMissRetracted(id(), T0.plusSeconds(20), "p1");
        Fact withdrawn = new Fact.CaseResolved(id(), T0.plusSeconds(21), "c1", 1, 3);
        List<Fact> history = new ArrayList<>(List.of(new Fact.Profile(id(), T0, Tier.GOLD, "blue"), missed, opened,
                apology));
        assertEquals(-6, points(engine.score(History.canonical(history)), "promises-missed"));

        history.addAll(List.of(kept, retracted, withdrawn));
        Score score = engine.score(History.canonical(history));
        assertEquals(60 + 3 + 1, score.value()); // baseline, gold, one kept promise: as if it had never been missed
        assertEquals(0, score.contributions().stream().filter(c -> c.factor().equals("promises-missed")
                || c.factor().startsWith("recovery")).count());
        Contribution cancelled = score.contributions().stream()
                .filter(c -> c.factor().equals("promises-miss-retracted")).findFirst().orElseThrow();
        assertEquals(0, cancelled.points());
        assertTrue(cancelled.eventIds().containsAll(List.of(missed.eventId(), retracted.eventId(), opened.eventId(),
                apology.eventId(), withdrawn.eventId())), cancelled.eventIds().toString());
    }

    @Test
    void aRetractedMissMakesNoLaterMissARepeat() {
        List<Fact> history = List.of(new Fact.PromiseMissed(id(), T0, "p1"),
                new Fact.PromiseMissRetracted(id(), T0.plusSeconds(30), "p1"),
                new Fact.PromiseMissed(id(), T0.plusSeconds(60), "p2"));
        assertEquals(-6, points(engine.score(history), "promises-missed"));
    }

    @Test
    void aFirstFailureRecoveredFastAndCompletelyLiftsTheCustomerAboveWhereTheyStood() {
        List<Fact> history = new ArrayList<>(List.of(new Fact.Profile(id(), T0, Tier.GOLD, "blue")));
        int before = engine.score(history).value();
        history.add(new Fact.PromiseMissed(id(), T0.plusSeconds(10), "p1"));
        int atFailure = engine.score(history).value();
        history.addAll(completeRecovery("c1", "p1", T0.plusSeconds(20)));
        Score after = engine.score(history);

        assertTrue(atFailure < before);
        assertTrue(after.value() > before, "paradox: " + before + " -> " + atFailure + " -> " + after.value());
        assertEquals(4, points(after, "recovery-paradox"));
    }

    @Test
    void aSecondFailureWithinNinetyDaysCannotBeRecoveredAboveWhereTheCustomerStood() {
        List<Fact> history = new ArrayList<>(List.of(new Fact.Profile(id(), T0, Tier.GOLD, "blue")));
        history.add(new Fact.PromiseMissed(id(), T0.plusSeconds(10), "p1"));
        history.addAll(completeRecovery("c1", "p1", T0.plusSeconds(20)));
        int beforeSecond = engine.score(history).value();
        Instant later = T0.plus(Duration.ofDays(30));
        history.add(new Fact.Complaint(id(), later, "k2", Severity.HIGH));
        history.addAll(completeRecovery("c2", "k2", later.plusSeconds(60)));
        Score after = engine.score(history);

        assertTrue(after.value() < beforeSecond, beforeSecond + " -> " + after.value());
        List<String> paradoxes = after.contributions().stream().filter(c -> c.factor().equals("recovery-paradox"))
                .flatMap(c -> c.eventIds().stream()).toList();
        assertEquals(1, paradoxes.size(), "only the first recovery earned the paradox bonus");
    }

    @Test
    void anIncompleteRecoveryRestoresOnlyPartOfTheLoss() {
        List<Fact> history = new ArrayList<>(List.of(new Fact.Complaint(id(), T0, "k1", Severity.CRITICAL)));
        history.add(new Fact.CaseOpened(id(), T0.plusSeconds(1), "c1", "k1"));
        history.add(new Fact.StepCompleted(id(), T0.plusSeconds(2), "c1", StepKind.APOLOGY, false));
        history.add(new Fact.StepCompleted(id(), T0.plusSeconds(3), "c1", StepKind.REMEDY, true));
        history.add(new Fact.CaseEscalated(id(), T0.plusSeconds(4), "c1"));
        history.add(new Fact.CaseResolved(id(), T0.plusSeconds(5), "c1", 1, 3));
        Score score = engine.score(history);
        assertEquals(1, points(score, "recovery"), "remedy 3 - escalation 2");
        assertEquals(0, score.contributions().stream().filter(c -> c.factor().equals("recovery-paradox")).count());
    }

    @Test
    void feedbackFollowsNpsBandsAndAnswersCount() {
        assertEquals(5, points(engine.score(List.of(new Fact.Feedback(id(), T0, 10, 3))), "feedback"));
        assertEquals(3, points(engine.score(List.of(new Fact.Feedback(id(), T0, 10, 3))), "follow-up-answers"));
        assertEquals(1, points(engine.score(List.of(new Fact.Feedback(id(), T0, 8, 0))), "feedback"));
        assertEquals(-8, points(engine.score(List.of(new Fact.Feedback(id(), T0, 0, 0))), "feedback"));
    }

    @Test
    void theScoreIsCappedAtOneHundredWithTheCapExplained() {
        List<Fact> history = new ArrayList<>(List.of(new Fact.Profile(id(), T0, Tier.PLATINUM, "blue")));
        for (int i = 0; i < 20; i++) {
            history.add(new Fact.Feedback(id(), T0.plusSeconds(i + 1), 10, 3));
        }
        Score score = engine.score(history);
        assertEquals(100, score.value());
        assertTrue(points(score, "bounds") < 0);
    }

    private List<Fact> completeRecovery(String caseId, String failure, Instant start) {
        return List.of(new Fact.CaseOpened(id(), start, caseId, failure),
                new Fact.StepCompleted(id(), start.plusSeconds(1), caseId, StepKind.APOLOGY, true),
                new Fact.StepCompleted(id(), start.plusSeconds(2), caseId, StepKind.REMEDY, true),
                new Fact.StepCompleted(id(), start.plusSeconds(3), caseId, StepKind.FOLLOW_UP, true),
                new Fact.CaseResolved(id(), start.plusSeconds(4), caseId, 3, 3));
    }

    private List<Fact> randomHistory(Random random, int size) {
        List<Fact> history = new ArrayList<>();
        Instant at = T0;
        for (int i = 0; i < size; i++) {
            at = at.plus(Duration.ofHours(random.nextInt(24 * 20)));
            String ref = "r" + random.nextInt(8);
            history.add(randomFact(random, at, ref));
        }
        return history;
    }

    private Fact randomFact(Random random, Instant at, String ref) {
        return switch (random.nextInt(10)) {
                case 0 -> new Fact.Profile(id(), at, Tier.values()[random.nextInt(3)], "blue");
                case 1 -> new Fact.Complaint(id(), at, ref, Severity.values()[random.nextInt(4)]);
                case 2 -> new Fact.PromiseKept(id(), at, ref);
                case 3 -> new Fact.PromiseMissed(id(), at, ref);
                case 4 -> new Fact.PromiseFulfilledLate(id(), at, ref);
                case 5 -> new Fact.Feedback(id(), at, random.nextInt(11), random.nextInt(4));
                case 6 -> new Fact.CaseOpened(id(), at, "c" + ref, ref);
                case 7 -> new Fact.StepCompleted(id(), at, "c" + ref, StepKind.values()[random.nextInt(5)], random.nextBoolean());
                case 8 -> new Fact.PromiseMissRetracted(id(), at, ref);
                default -> new Fact.CaseResolved(id(), at, "c" + ref, random.nextInt(3), 3);
        };
    }

    private String id() {
        return "e" + (ids++);
    }

    private static int points(Score score, String factor) {
        return score.contributions().stream().filter(c -> c.factor().equals(factor)).mapToInt(Contribution::points).sum();
    }

    static Weights shippedWeights() {
        try (InputStream in = ScoringEngineTest.class.getResourceAsStream("/scoring/weights.yaml")) {
            return WeightsFile.parse(in);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
