package org.servicerecovery.recovery.domain;

/** A rendered outreach message, in {@code locale} (the customer's, or the fallback). */
public record Message(String subject, String body, String locale) {
}
