package org.servicerecovery.loyalty.domain;

import java.time.Duration;
import java.util.Map;

/**
 * Every number the score depends on, from one versioned file (docs/scoring.md gives the reasoning). Points are for an
 * event happening now; older events count less, halving every {@code halfLife}.
 */
public record Weights(
        int version,
        int baseline,
        Duration halfLife,
        Duration repeatWindow,
        Map<String, Double> tier,
        Promises promises,
        Map<String, Double> complaint,
        double repeatComplaintFactor,
        Recovery recovery,
        Feedback feedback,
        int changeThreshold) {

    /** {@code keptCap}: being reliable is expected; it cannot buy unlimited goodwill. */
    public record Promises(double kept, double keptCap, double missed, double missedRepeat, double fulfilledLate) {
    }

    /**
     * Credits for a recovery case. A complete, on-time recovery of a first failure restores the failure's loss and adds
     * {@code paradoxBonus}; any other recovery restores at most {@code partialRestore} (or {@code repeatRestore} for a
     * repeat failure) of the loss and never lifts the customer above where they stood before it.
     */
    public record Recovery(double apologyOnTime, double remedyDone, double followUpDone, double resolvedOnTime,
                           double escalation, double paradoxBonus, double partialRestore, double repeatRestore) {
    }

    /** NPS bands: promoters 9–10, passives 7–8, detractors 0–6 (worse the lower). */
    public record Feedback(double promoter, double passive, double detractor, double detractorPerPointBelowSix,
                           double perAnsweredQuestion) {
    }

    public double tierPoints(org.servicerecovery.events.crm.Tier value) {
        return tier.getOrDefault(value.name().toLowerCase(java.util.Locale.ROOT), 0.0);
    }

    public double complaintPoints(org.servicerecovery.events.crm.Severity value) {
        return complaint.getOrDefault(value.name().toLowerCase(java.util.Locale.ROOT), 0.0);
    }

    /** A clear message for the first rule a weights file breaks, so a bad file is refused at start-up. */
    public void validate() {
        require(version >= 1, "version must be at least 1");
        require(baseline >= 0 && baseline <= 100, "baseline must be within 0..100");
        // A shorter half-life would make the exact running sums (Decay) span needlessly many bits.
        require(halfLife != null && halfLife.compareTo(Duration.ofDays(1)) >= 0, "halfLife must be at least a day (P1D)");
        require(repeatWindow != null && !repeatWindow.isNegative(), "repeatWindow must be a duration");
        require(tier != null && complaint != null && promises != null && recovery != null && feedback != null,
                "tier, promises, complaint, recovery and feedback are required");
        require(promises.missed() <= 0 && promises.missedRepeat() <= promises.missed(),
                "promises.missedRepeat must weigh at least as much as promises.missed (both ≤ 0)");
        require(recovery.partialRestore() >= 0 && recovery.partialRestore() <= 1
                && recovery.repeatRestore() >= 0 && recovery.repeatRestore() <= recovery.partialRestore(),
                "recovery.repeatRestore ≤ recovery.partialRestore, both within 0..1");
        require(changeThreshold >= 1, "changeThreshold must be at least 1");
    }

    private static void require(boolean rule, String message) {
        if (!rule) {
            throw new IllegalArgumentException("scoring weights: " + message);
        }
    }
}
