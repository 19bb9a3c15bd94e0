package org.servicerecovery.recovery.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.servicerecovery.events.crm.Channel;
import org.servicerecovery.events.crm.Severity;
import org.servicerecovery.events.crm.Tier;
import org.servicerecovery.events.domain.EscalationLevel;
import org.servicerecovery.events.domain.RecoveryTrigger;
import org.servicerecovery.events.domain.StepKind;

class PolicyParserTest {

    static String shipped() {
        try (InputStream in = PolicyParserTest.class.getResourceAsStream("/policies/default.yaml")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static Policy shippedPolicy() {
        return PolicyParser.parse(shipped(), 1);
    }

    @Test
    void theShippedDefaultsFollowIndustryPractice() {
        Policy policy = shippedPolicy();
        assertEquals(1, policy.version());
        assertEquals(Duration.ofMinutes(15), step(policy, Severity.CRITICAL, 0).due());
        assertEquals(Duration.ofHours(4), step(policy, Severity.CRITICAL, 1).due());
        assertEquals(Duration.ofHours(1), step(policy, Severity.HIGH, 0).due());
        assertEquals(Duration.ofHours(8), step(policy, Severity.HIGH, 1).due());
        assertEquals("business", step(policy, Severity.MEDIUM, 0).calendar());
        assertEquals(Duration.ofHours(4), step(policy, Severity.MEDIUM, 0).due());
        assertEquals(Duration.ofHours(16), step(policy, Severity.MEDIUM, 1).due());
        assertEquals(Duration.ofHours(8), step(policy, Severity.LOW, 0).due());
        assertEquals(Duration.ofHours(24), step(policy, Severity.LOW, 1).due());
        for (Severity severity : Severity.values()) {
            assertEquals(StepKind.FOLLOW_UP, step(policy, severity, 2).kind());
            assertEquals(Duration.ofHours(48), step(policy, severity, 2).after());
            assertEquals(Duration.ofHours(48), step(policy, severity, 2).due());
            assertEquals(Duration.ZERO, step(policy, severity, 1).after());
        }
        assertEquals(0.5, policy.factor(Tier.PLATINUM));
        assertEquals(1.0, policy.factor(Tier.GOLD));
        assertEquals(0.75, policy.warningFraction());
        assertEquals(List.of(new Policy.Rung(EscalationLevel.SUPERVISOR, Duration.ZERO),
                new Policy.Rung(EscalationLevel.MANAGER, Duration.ofMinutes(60))), policy.escalation());
        assertEquals(Duration.ofHours(24), policy.attachWindow());
        assertEquals(Duration.ofDays(90), policy.repeatWindow());
    }

    @Test
    void routingPrefersRulesThenTheAccountTeamThenTheDefault() {
        Policy policy = shippedPolicy();
        assertEquals("billing", policy.route("Billing", Channel.EMAIL, Tier.STANDARD, "red"));
        assertEquals("red", policy.route("delivery", Channel.EMAIL, Tier.STANDARD, "red"));
        assertEquals("care", policy.route("delivery", Channel.EMAIL, Tier.STANDARD, null));
    }

    @Test
    void aPlanForATriggerOrTierWinsOverTheGeneralOne() {
        Policy policy = PolicyParser.parse(shipped().replace("plans:\n", """
                plans:
                  - severity: high
                    trigger: missed-promise
                    steps:
                      - { kind: apology, due: PT30M, autoSend: true }
                """), 2);
        assertEquals(Duration.ofMinutes(30),
                policy.plan(RecoveryTrigger.MISSED_PROMISE, Severity.HIGH, Tier.GOLD).orElseThrow().steps().get(0).due());
        assertEquals(Duration.ofHours(1),
                policy.plan(RecoveryTrigger.COMPLAINT, Severity.HIGH, Tier.GOLD).orElseThrow().steps().get(0).due());
    }

    @Test
    void everyProblemIsReportedWithItsPath() {
        String broken = shipped()
                .replace("warningAt: 0.75", "warningAt: 1.5")
                .replace("zone: Europe/Berlin", "zone: Europe/Atlantis")
                .replace("{ kind: apology, due: PT15M, autoSend: false }", "{ kind: apologise, due: 15m }")
                .replace("{ kind: remedy, due: PT4H }", "{ kind: remedy, due: PT4H, calendar: lunar }")
                .replace("  - level: manager", "  - level: supervisor")
                .replace("{ kind: remedy, due: PT8H }", "{ kind: remedy, due: PT8H, after: -PT1H, warningAt: 2,"
                        + " escalation: [ { level: manager }, { level: supervisor } ] }");
        InvalidPolicyException e = assertThrows(InvalidPolicyException.class, () -> PolicyParser.parse(broken, 1));
        List<String> errors = e.errors();
        assertTrue(errors.contains("warningAt: must be a fraction between 0 and 1 (exclusive), was 1.5"), errors::toString);
        assertTrue(errors.contains("calendars.business.zone: \"Europe/Atlantis\" is not an IANA time zone"), errors::toString);
        assertTrue(errors.contains("plans[0].steps[0].kind: \"apologise\" is not one of [apology, remedy, follow-up, survey, custom]"),
                errors::toString);
        assertTrue(errors.contains("plans[0].steps[0].due: \"15m\" is not an ISO-8601 duration such as PT4H or P2D"),
                errors::toString);
        assertTrue(errors.contains("plans[0].steps[1].calendar: no calendar \"lunar\" in calendars"), errors::toString);
        assertTrue(errors.contains("plans[1].steps[1].after: must not be negative, was PT-1H"), errors::toString);
        assertTrue(errors.contains("plans[1].steps[1].warningAt: must be a fraction between 0 and 1 (exclusive), was 2"),
                errors::toString);
        assertTrue(errors.contains("plans[1].steps[1].escalation[1]: rungs must climb: a higher level, no earlier than"
                + " the rung before"), errors::toString);
        assertTrue(errors.contains("escalation[1]: rungs must climb: a higher level, no earlier than the rung before"),
                errors::toString);
    }

    @Test
    void aMissingSeverityPlanAndBadYamlAreRejected() {
        String withoutLow = shipped().substring(0, shipped().indexOf("  - severity: low"));
        assertEquals(List.of("plans: no general plan (without trigger and tier) for severity low"),
                assertThrows(InvalidPolicyException.class, () -> PolicyParser.parse(withoutLow, 1)).errors());
        assertTrue(assertThrows(InvalidPolicyException.class, () -> PolicyParser.parse("id: [unclosed", 1))
                .errors().get(0).startsWith("not valid YAML"));
    }

    private static Policy.StepSpec step(Policy policy, Severity severity, int index) {
        return policy.plan(RecoveryTrigger.COMPLAINT, severity, Tier.STANDARD).orElseThrow().steps().get(index);
    }
}
