package org.servicerecovery.e2e.chaos;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the CRM sent during a run, which is what the checker expects effects for. Written by the load generator's
 * thread only and read after it stopped.
 */
final class Inputs {

    record Commitment(String id, String customerId, boolean fulfilled, Instant dueAt) {
    }

    record Complaint(String id, String customerId) {
    }

    /** A record intake must refuse; {@code id} is its CloudEvents id, or a marker for one it cannot carry. */
    record Poisoned(Poison kind, String id, String customerId) {
    }

    final String run;
    final List<String> customers = new ArrayList<>();
    final List<Commitment> commitments = new ArrayList<>();
    final List<Complaint> complaints = new ArrayList<>();
    final List<Poisoned> poisoned = new ArrayList<>();
    /** Each customer's valid CloudEvents ids in the order the CRM sent them, each once (a re-send is not listed). */
    final Map<String, List<String>> sentPerCustomer = new HashMap<>();
    /** Distinct CloudEvents ids sent. */
    int events;
    /** Records sent a second time with the same id, as a CRM retrying would. */
    int resent;

    Inputs(String run) {
        this.run = run;
    }

    /** The latest deadline of a commitment nobody fulfils: until then its miss may not have been reported yet. */
    Instant lastMissDue() {
        return commitments.stream().filter(c -> !c.fulfilled()).map(Commitment::dueAt).max(Instant::compareTo)
                .orElse(Instant.EPOCH);
    }
}
