package org.servicerecovery.recovery.domain;

import java.time.Instant;

/**
 * Set ({@code at} non-null) or cancel one of a case's timers (a scheduled step's start, its warning, its deadline, the
 * next escalation rung). The payload names the step (and rung) the timer
 * is about, so a timer that outlived its step is recognised and ignored.
 */
public record TimerOp(Kind kind, Instant at, String payload) {

    public enum Kind {
        WARN("recovery.warn"), DUE("recovery.due"), ESCALATE("recovery.escalate"), START("recovery.start");

        private final String id;

        Kind(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }
    }

    public static TimerOp cancel(Kind kind) {
        return new TimerOp(kind, null, null);
    }
}
