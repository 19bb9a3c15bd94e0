package org.servicerecovery.recovery.domain;

/** The customer's answers to the three follow-up questions. */
public record Answers(String improveOneThing, String additionalValue, String bestExperience) {
}
