package org.servicerecovery.reliability;

import java.util.List;
import java.util.function.Function;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * Runs a step per item, one after the other, each starting when the previous one completed (as one session or
 * transaction requires). Not a loop of {@code uni.chain(...)}: that nests as deeply as the list is long, and when the
 * steps complete at once (entities already in the session, a persist before the flush) hundreds of them overflow the
 * event loop's stack, and the overflow leaves the whole Uni hanging without an error. A concatenating Multi drains the
 * steps in a loop instead.
 */
public final class InOrder {

    private InOrder() {
    }

    public static <T> Uni<Void> forEach(List<T> items, Function<? super T, Uni<?>> step) {
        if (items.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return Multi.createFrom().iterable(items)
                .onItem().transformToUniAndConcatenate(item -> step.apply(item).replaceWith(Boolean.TRUE))
                .collect().last()
                .replaceWithVoid();
    }
}
