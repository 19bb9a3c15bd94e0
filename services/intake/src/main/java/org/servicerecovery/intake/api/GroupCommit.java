package org.servicerecovery.intake.api;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.servicerecovery.intake.application.Intake.Fate;
import org.servicerecovery.intake.application.Intake;
import org.servicerecovery.intake.domain.Ingress;
import org.servicerecovery.intake.domain.Verdict;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;

/**
 * Takes single events posted concurrently in shared transactions: a transaction per request would cost a commit (an
 * fsync) per event. A few lanes each take whatever has queued up (at most {@value #MAX_BATCH}) and commit it together;
 * an event that arrives at an idle lane is committed at once, so nothing waits for a timer. Each request still gets
 * its own outcome, answered only after its transaction committed.
 */
@ApplicationScoped
public class GroupCommit {

    private static final int LANES = 4;
    private static final int MAX_BATCH = 500;

    private record Pending(Verdict.Valid event, String traceparent, UniEmitter<? super Fate> answer) {
    }

    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Intake intake;
    private final Clock clock;
    private ExecutorService lanes;

    public GroupCommit(Intake intake, Clock clock) {
        this.intake = intake;
        this.clock = clock;
    }

    void start(@Observes StartupEvent startup) {
        AtomicInteger number = new AtomicInteger();
        lanes = Executors.newFixedThreadPool(LANES, task -> {
            Thread thread = new Thread(task, "intake-group-commit-" + number.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        for (int i = 0; i < LANES; i++) {
            lanes.execute(this::lane);
        }
    }

    /** Requests still queued are answered with a failure (a 500 the CRM retries) rather than left hanging. */
    void stop(@Observes ShutdownEvent shutdown) {
        lanes.shutdownNow();
        List<Pending> left = new ArrayList<>();
        queue.drainTo(left);
        left.forEach(pending -> pending.answer().fail(new IllegalStateException("intake is shutting down")));
    }

    /**
     * Completes with accepted or duplicate once the event's transaction committed, or rejected if the database refused
     * this event: that fails only this request, not the others committed with it ({@link Intake}).
     */
    public Uni<Fate> take(Verdict.Valid event, String traceparent) {
        return Uni.createFrom().emitter(answer -> queue.add(new Pending(event, traceparent, answer)));
    }

    private void lane() {
        while (!Thread.currentThread().isInterrupted()) {
            List<Pending> batch = new ArrayList<>();
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            queue.drainTo(batch, MAX_BATCH - 1);
            List<Verdict> events = batch.stream().<Verdict>map(Pending::event).toList();
            List<String> traceparents = batch.stream().map(Pending::traceparent).toList();
            try {
                List<Fate> fates = VertxContextSupport.subscribeAndAwait(
                        () -> intake.take(events, traceparents, Ingress.REST, OffsetDateTime.now(clock)));
                for (int i = 0; i < batch.size(); i++) {
                    batch.get(i).answer().complete(fates.get(i));
                }
            } catch (Throwable failure) {
                batch.forEach(pending -> pending.answer().fail(failure));
            }
        }
    }
}
