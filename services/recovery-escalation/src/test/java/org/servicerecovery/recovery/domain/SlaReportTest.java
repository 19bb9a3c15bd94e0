package org.servicerecovery.recovery.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.servicerecovery.events.crm.Channel;
import org.servicerecovery.events.crm.ContactChannel;
import org.servicerecovery.events.crm.Severity;
import org.servicerecovery.events.crm.Tier;
import org.servicerecovery.events.domain.RecoveryTrigger;

class SlaReportTest {

    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

    private final Policy policy = PolicyParserTest.shippedPolicy();
    private final RecoveryRules rules = new RecoveryRules((purpose, c) -> new Message("s", "b", "en"));

    private RecoveryCase opened(String id, String team, Severity severity) {
        Customer customer = new Customer("cust-" + id, "C", Tier.STANDARD, "en", null, ContactChannel.EMAIL, team);
        return rules.open(new Trigger(RecoveryTrigger.COMPLAINT, "cmp-" + id, severity, "x", Channel.EMAIL, null,
                "broken"), customer, Optional.empty(), policy, id, T0).recoveryCase();
    }

    @Test
    void apologyTimesOnTimeShareEscalationsOverdueAndCostPerGroup() {
        // red: one apology after 10 min and a 40.00 refund; one apology after 90 min (late, high: due in 60)
        RecoveryCase fast = rules.outreachDelivered(opened("a", "red", Severity.HIGH), "a/s1",
                T0.plus(Duration.ofMinutes(10)), policy, T0.plus(Duration.ofMinutes(10))).recoveryCase();
        fast = rules.recordRemedy(fast, new Remedy(Remedy.Type.REFUND, new BigDecimal("40.00"), "EUR", null, "x",
                T0.plus(Duration.ofHours(1))), policy, T0.plus(Duration.ofHours(1))).recoveryCase();
        RecoveryCase slow = opened("b", "red", Severity.HIGH);
        slow = rules.dueReached(slow, "s1", policy, T0.plus(Duration.ofHours(1))).recoveryCase();
        slow = rules.outreachDelivered(slow, "b/s1", T0.plus(Duration.ofMinutes(90)), policy,
                T0.plus(Duration.ofMinutes(90))).recoveryCase();
        // blue: open, nothing done yet, overdue
        RecoveryCase stuck = rules.dueReached(opened("c", "blue", Severity.HIGH), "s1", policy,
                T0.plus(Duration.ofHours(1))).recoveryCase();

        // green: resolved by hand while the follow-up waited to start: its follow-up had no deadline to miss
        RecoveryCase early = rules.outreachDelivered(opened("d", "green", Severity.HIGH), "d/s1",
                T0.plus(Duration.ofMinutes(5)), policy, T0.plus(Duration.ofMinutes(5))).recoveryCase();
        early = rules.recordRemedy(early, new Remedy(Remedy.Type.FIX, BigDecimal.ZERO, "EUR", null, "x", T0.plusSeconds(900)),
                policy, T0.plusSeconds(900)).recoveryCase();
        early = rules.resolve(early, "customer happy", "x", T0.plus(Duration.ofHours(1))).recoveryCase();

        List<SlaReport.Group> groups = SlaReport.of(List.of(fast, slow, stuck, early), SlaReport.GroupBy.TEAM,
                T0.plus(Duration.ofHours(2)));
        assertEquals(List.of("blue", "green", "red"), groups.stream().map(SlaReport.Group::key).toList());
        SlaReport.Group green = groups.get(1);
        assertEquals(2, green.stepsFinished());
        assertEquals(1.0, green.shareOnTime());
        SlaReport.Group blue = groups.get(0);
        assertNull(blue.apologyMinutesP50());
        assertNull(blue.shareOnTime());
        assertEquals(1, blue.escalated());
        assertEquals(1, blue.openOverdue());
        SlaReport.Group red = groups.get(2);
        assertEquals(2, red.cases());
        assertEquals(10L, red.apologyMinutesP50());
        assertEquals(90L, red.apologyMinutesP90());
        assertEquals(3, red.stepsFinished());
        assertEquals(2, red.stepsOnTime());
        assertEquals(List.of(new Money("EUR", new BigDecimal("40.00"))), red.remedyCost());
        assertEquals(4.0, red.handlingHours()); // two open cases, two hours each
        assertEquals(1, red.escalated());
        assertEquals(0, red.openOverdue());
    }

    @Test
    void remedyCostIsSummedPerCurrencyNeverAcrossCurrencies() {
        RecoveryCase c = rules.outreachDelivered(opened("e", "red", Severity.HIGH), "e/s1",
                T0.plus(Duration.ofMinutes(10)), policy, T0.plus(Duration.ofMinutes(10))).recoveryCase();
        RecoveryCase withRemedies = new RecoveryCase(c.id(), c.customer(), c.team(), c.assignee(), c.severity(),
                c.trigger(), c.triggerRef(), c.failure(), c.repeat(), c.policyId(), c.policyVersion(), c.state(),
                c.openedAt(), c.pausedAt(), c.resolvedAt(), c.escalation(), c.failures(), c.steps(), List.of(
                        new Remedy(Remedy.Type.REFUND, new BigDecimal("40.00"), "EUR", null, "x", T0),
                        new Remedy(Remedy.Type.CREDIT, new BigDecimal("500"), "JPY", null, "x", T0),
                        new Remedy(Remedy.Type.CREDIT, new BigDecimal("2.50"), "EUR", null, "x", T0),
                        new Remedy(Remedy.Type.OTHER, new BigDecimal("7"), null, null, "x", T0)), c.answers());
        SlaReport.Group red = SlaReport.of(List.of(withRemedies), SlaReport.GroupBy.TEAM, T0).get(0);
        assertEquals(List.of(new Money("EUR", new BigDecimal("42.50")), new Money("JPY", new BigDecimal("500")),
                new Money(Money.NO_CURRENCY, new BigDecimal("7"))), red.remedyCost());
    }
}
