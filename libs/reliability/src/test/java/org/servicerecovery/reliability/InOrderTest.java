package org.servicerecovery.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import io.smallrye.mutiny.Uni;

class InOrderTest {

    @Test
    void aHundredThousandStepsThatCompleteAtOnceRunInOrderOnASmallStack() throws Exception {
        List<Integer> items = IntStream.range(0, 100_000).boxed().toList();
        List<Integer> seen = new ArrayList<>();
        CompletableFuture<Void> done = new CompletableFuture<>();
        // An event loop's stack is no larger; a chain of this many immediate steps would overflow it.
        Thread small = new Thread(null, () -> InOrder.forEach(items, item -> Uni.createFrom().item(item).invoke(seen::add))
                .subscribe().with(done::complete, done::completeExceptionally), "small-stack", 256 * 1024);
        small.start();

        done.get(Duration.ofSeconds(30).toSeconds(), TimeUnit.SECONDS);
        assertEquals(items, seen);
    }

    @Test
    void aFailingStepStopsTheRestAndFailsTheWhole() {
        List<Integer> seen = new ArrayList<>();
        Uni<Void> all = InOrder.forEach(List.of(1, 2, 3), item -> item == 2
                ? Uni.createFrom().failure(new IllegalStateException("two"))
                : Uni.createFrom().item(item).invoke(seen::add));

        IllegalStateException failure = assertThrows(IllegalStateException.class, () -> all.await().indefinitely());
        assertEquals("two", failure.getMessage());
        assertEquals(List.of(1), seen);
    }
}
