package org.servicerecovery.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

class LoopbackPortsTest {

    /** Threads reserving at once open the registry each on its own, as test JVMs side by side do. */
    @Test
    void portsReservedAtTheSameTimeAreAllDifferent() {
        Set<Integer> ports = ConcurrentHashMap.newKeySet();
        List<CompletableFuture<Void>> reservers = IntStream.range(0, 4).mapToObj(thread -> CompletableFuture.runAsync(() -> {
            for (int i = 0; i < 50; i++) {
                ports.add(LoopbackPorts.reserve());
            }
        }, task -> new Thread(task).start())).toList();
        reservers.forEach(CompletableFuture::join);
        assertEquals(200, ports.size());
    }
}
