package org.servicerecovery.recovery.application;

import java.util.Locale;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import org.servicerecovery.events.domain.StepKind;
import org.servicerecovery.recovery.domain.Message;
import org.servicerecovery.recovery.domain.Messages;
import org.servicerecovery.recovery.domain.RecoveryCase;

import io.quarkus.qute.Engine;
import io.quarkus.qute.Template;

/**
 * Apology and follow-up messages from the Qute templates in {@code templates/messages/<purpose>.<language>.txt}: the
 * first line is the subject, the rest the body. A language without templates falls back to English.
 */
@ApplicationScoped
public class MessageTemplates implements Messages {

    static final Set<String> LANGUAGES = Set.of("en", "de");
    private static final String FALLBACK = "en";

    private final Engine engine;

    public MessageTemplates(Engine engine) {
        this.engine = engine;
    }

    @Override
    public Message render(StepKind purpose, RecoveryCase recoveryCase) {
        String language = Locale.forLanguageTag(recoveryCase.customer().locale()).getLanguage();
        String used = LANGUAGES.contains(language) ? language : FALLBACK;
        // A survey asks the same three questions as the follow-up.
        String name = purpose == StepKind.APOLOGY ? "apology" : "follow-up";
        Template template = engine.getTemplate("messages/" + name + "." + used + ".txt");
        String customerName = recoveryCase.customer().name() != null ? recoveryCase.customer().name()
                : "de".equals(used) ? "liebe Kundin, lieber Kunde" : "customer";
        String text = template.data("name", customerName)
                .data("failure", recoveryCase.failure())
                .data("caseId", recoveryCase.id())
                .render();
        int newline = text.indexOf('\n');
        return new Message(text.substring(0, newline).strip(), text.substring(newline + 1).strip(), used);
    }
}
