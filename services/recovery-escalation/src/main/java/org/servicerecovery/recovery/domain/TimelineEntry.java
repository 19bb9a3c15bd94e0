package org.servicerecovery.recovery.domain;

import java.time.Instant;

/** One thing that happened to a case ({@code step-started}, {@code case-escalated}, ...), by whom (null: the system). */
public record TimelineEntry(Instant at, String type, String actor, String detail) {
}
