package org.servicerecovery.intake;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.Period;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.servicerecovery.intake.domain.DataRules;
import org.servicerecovery.intake.domain.EventValidator;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithName;

/** The limits and policies of intake ({@code intake.*}); defaults are in application.properties. */
@ConfigMapping(prefix = "intake")
public interface IntakeConfig {

    Limits limits();

    @WithName("rate-limit")
    RateLimit rateLimit();

    Dedup dedup();

    Watermark watermark();

    interface Limits {
        /** Largest event accepted, in bytes (structured JSON, or headers plus value in binary mode). */
        @WithName("event-bytes")
        int eventBytes();

        /** Most events in one REST batch. */
        @WithName("batch-events")
        int batchEvents();

        /** Largest REST batch body, in bytes. */
        @WithName("batch-bytes")
        int batchBytes();

        /** No time in an event may lie before this. */
        @WithName("earliest-time")
        Instant earliestTime();

        /** How far ahead of intake's clock a time that already happened may lie (the CRM's clock may be ahead). */
        @WithName("future-skew")
        Duration futureSkew();

        /** How far ahead a deadline (a commitment's due time) may lie. */
        @WithName("deadline-horizon")
        Period deadlineHorizon();
    }

    interface RateLimit {
        /** Sustained REST requests per second per client; bursts of twice as many pass. */
        @WithName("per-second")
        int perSecond();
    }

    interface Dedup {
        /** How long a (source, id) is remembered, and its raw event kept: a redelivery later than this is taken again. */
        Duration retention();

        @WithName("cleanup-interval")
        Duration cleanupInterval();
    }

    interface Watermark {
        /** How often intake publishes its watermark on every partition of intake.events. */
        Duration interval();
    }

    final class Validation {

        @Produces
        @Singleton
        EventValidator validator(IntakeConfig config, Clock clock) {
            Limits limits = config.limits();
            return new EventValidator(new DataRules(new DataRules.Times(limits.earliestTime(), limits.futureSkew(),
                    limits.deadlineHorizon(), clock)),
                    new EventValidator.Limits(limits.eventBytes(), limits.batchEvents(), limits.batchBytes()));
        }
    }
}
