package org.servicerecovery.recovery;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.servicerecovery.recovery.application.MessageTemplates;
import org.servicerecovery.recovery.domain.RecoveryRules;

/** The pure workflow gets its message writer here; the policy comes per case from the catalogue. */
final class RulesProducer {

    @Produces
    @Singleton
    RecoveryRules rules(MessageTemplates templates) {
        return new RecoveryRules(templates);
    }
}
