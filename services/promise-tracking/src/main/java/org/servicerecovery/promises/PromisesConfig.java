package org.servicerecovery.promises;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.servicerecovery.events.crm.Tier;
import org.servicerecovery.promises.domain.AtRiskPolicy;
import org.servicerecovery.promises.domain.PromiseRules;
import org.servicerecovery.promises.domain.ReschedulePolicy;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/** The policies of promise-tracking ({@code promises.*}); defaults are in application.properties. */
@ConfigMapping(prefix = "promises")
public interface PromisesConfig {

    /** How a reschedule the customer did not agree to counts: {@code miss-first} or {@code move}. */
    @WithName("reschedule.unagreed")
    @WithDefault("miss-first")
    ReschedulePolicy unagreedReschedule();

    @WithName("at-risk")
    AtRiskTiers atRisk();

    /** How often the promises_pending gauge is recounted: counting a million rows on every scrape would be wasteful. */
    @WithName("pending-gauge.refresh")
    @WithDefault("PT10S")
    Duration pendingGaugeRefresh();

    interface AtRiskTiers {
        AtRisk standard();

        AtRisk gold();

        AtRisk platinum();
    }

    interface AtRisk {
        /** Warn after this fraction of the interval between making (or moving) the promise and its due time. */
        Optional<Double> fraction();

        /** Warn this long before the due time. */
        Optional<Duration> lead();
    }

    final class Rules {

        @Produces
        @Singleton
        PromiseRules rules(PromisesConfig config) {
            AtRiskTiers tiers = config.atRisk();
            return new PromiseRules(config.unagreedReschedule(), Map.of(
                    Tier.STANDARD, policy(tiers.standard()),
                    Tier.GOLD, policy(tiers.gold()),
                    Tier.PLATINUM, policy(tiers.platinum())));
        }

        private static AtRiskPolicy policy(AtRisk atRisk) {
            return new AtRiskPolicy(atRisk.fraction(), atRisk.lead());
        }
    }
}
