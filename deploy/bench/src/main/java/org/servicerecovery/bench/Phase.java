package org.servicerecovery.bench;

import java.time.Duration;

import org.HdrHistogram.Histogram;

/**
 * One stretch of the system section's traffic at one offered rate (the sustained run, or one step of the step load),
 * and the latencies of what started in it: a sample belongs to the phase in which its clock started (a miss's due
 * time, a complaint's or an event's send), so work a backlog carries into the next phase is charged to the phase that
 * caused it.
 */
final class Phase {

    final String name;
    final int rate;
    final Duration duration;

    /** Set by the generator when the phase starts and ends (epoch ms). */
    volatile long startMillis = Long.MAX_VALUE;
    volatile long endMillis = Long.MAX_VALUE;
    /** CRM events the generator sent during the phase, and of those complaints. */
    volatile long sent;
    volatile long complaints;

    /** Due time → broker append of promise.missed, for commitments not kept on time. Observer thread only. */
    final Histogram missLateness = new Histogram(3);
    /** complaint.filed sent → broker append of the recovery.step-started (apology) of the case it opened. */
    final Histogram complaintToApology = new Histogram(3);
    /** crm.events sent → broker append of the event on intake.events. */
    final Histogram intake = new Histogram(3);
    /** A CRM event sent → its score_history row seen (score poller thread only). */
    final Histogram scoreUpdated = new Histogram(3);

    Phase(String name, int rate, Duration duration) {
        this.name = name;
        this.rate = rate;
        this.duration = duration;
    }

    boolean contains(long epochMillis) {
        return epochMillis >= startMillis && epochMillis < endMillis;
    }
}
