package org.servicerecovery.recovery;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/** Settings of recovery-escalation ({@code recovery.*}). The recovery rules themselves are in the policy file. */
@ConfigMapping(prefix = "recovery")
public interface RecoveryConfig {

    /** A mounted policy file; without it the shipped {@code policies/default.yaml} applies. */
    @WithName("policy.file")
    Optional<String> policyFile();

    /** The currency (ISO 4217) of a remedy whose request names none: the organisation's own. */
    @WithName("remedy.currency")
    @WithDefault("EUR")
    String remedyCurrency();

    /** The largest remedy value accepted, in any currency. */
    @WithName("remedy.max-value")
    @WithDefault("1000000")
    BigDecimal remedyMaxValue();

    /** How often the cases_open and steps_overdue gauges are recounted from the database. */
    @WithName("gauges.refresh")
    @WithDefault("PT10S")
    Duration gaugesRefresh();
}
