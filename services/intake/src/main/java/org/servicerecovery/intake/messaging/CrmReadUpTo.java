package org.servicerecovery.intake.messaging;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * Per crm.events partition, the offset up to which this replica's consumer has committed everything (stored, published
 * or dead-lettered, and its progress row moved). In memory: only the watermark job of the same replica asks, and a
 * partition this replica never processed falls back to its committed offset.
 */
@ApplicationScoped
public class CrmReadUpTo {

    private final Map<Integer, Long> nextOffsets = new ConcurrentHashMap<>();

    void reached(int partition, long nextOffset) {
        nextOffsets.merge(partition, nextOffset, Math::max);
    }

    /** The offset after the last record processed, or -1 if none was on this replica. */
    long nextOffset(int partition) {
        return nextOffsets.getOrDefault(partition, -1L);
    }
}
