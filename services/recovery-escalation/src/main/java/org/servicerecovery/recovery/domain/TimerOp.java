package org.servicerecovery.recovery.domain;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * Set ({@code at} non-null) or cancel one of a case's timers (a scheduled step's start, its warning, its deadline, the
 * next escalation rung). The payload names the step (and rung) the timer is about, so a timer that outlived its step is
 * recognised and ignored.
 */
public record TimerOp(Kind kind, Instant at, String payload) {

    /** What a timer does when it fires. */
    public enum Role {
        START, WARN, DUE, ESCALATE
    }

    /**
     * Each role twice: on processing time, and on event time for a step that a customer event completes
     * ({@link Step#decidedOnEventTime(Role)}). An event-time timer fires only once the input watermark passed its due
     * time, so a delivery or an answer sent in time but read late is never overtaken by it.
     */
    public enum Kind {
        START(Role.START, "recovery.start", false),
        WARN(Role.WARN, "recovery.warn", false),
        DUE(Role.DUE, "recovery.due", false),
        ESCALATE(Role.ESCALATE, "recovery.escalate", false),
        START_ON_EVENT_TIME(Role.START, "recovery.event-time.start", true),
        WARN_ON_EVENT_TIME(Role.WARN, "recovery.event-time.warn", true),
        DUE_ON_EVENT_TIME(Role.DUE, "recovery.event-time.due", true),
        ESCALATE_ON_EVENT_TIME(Role.ESCALATE, "recovery.event-time.escalate", true);

        private final Role role;
        private final String id;
        private final boolean onEventTime;

        Kind(Role role, String id, boolean onEventTime) {
            this.role = role;
            this.id = id;
            this.onEventTime = onEventTime;
        }

        public Role role() {
            return role;
        }

        public String id() {
            return id;
        }

        public boolean onEventTime() {
            return onEventTime;
        }

        static Kind of(Role role, boolean onEventTime) {
            return Arrays.stream(values()).filter(kind -> kind.role == role && kind.onEventTime == onEventTime)
                    .findFirst().orElseThrow();
        }
    }

    /** The step's timer of that role, on the clock the step decides on. */
    public static TimerOp set(Role role, Step step, Instant at, String payload) {
        return new TimerOp(Kind.of(role, step.decidedOnEventTime(role)), at, payload);
    }

    public static TimerOp cancel(Kind kind) {
        return new TimerOp(kind, null, null);
    }

    /** Cancels the role's timer whichever clock it runs on. */
    public static List<TimerOp> cancel(Role role) {
        return Arrays.stream(Kind.values()).filter(kind -> kind.role == role).map(TimerOp::cancel).toList();
    }
}
