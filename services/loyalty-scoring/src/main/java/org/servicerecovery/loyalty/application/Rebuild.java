package org.servicerecovery.loyalty.application;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.servicerecovery.loyalty.persistence.ScorePages;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * Recomputes every score from the stored history (after a weights change), a page of customers per transaction, two
 * pages at once: while PostgreSQL reads or writes one, the service scores the other.
 */
@ApplicationScoped
public class Rebuild {

    /** {@code customers} rescored, {@code changed} of them got a different score. */
    public record Outcome(int customers, int changed, long millis) {

        Outcome plus(Outcome page) {
            return new Outcome(customers + page.customers, changed + page.changed, 0);
        }
    }

    private static final int PAGES_AT_ONCE = 2;

    private final ScorePages pages;
    private final Scoring scoring;
    private final int customersPerPage;

    public Rebuild(ScorePages pages, Scoring scoring,
                   @ConfigProperty(name = "loyalty.rebuild.customers-per-page") int customersPerPage) {
        this.pages = pages;
        this.scoring = scoring;
        this.customersPerPage = customersPerPage;
    }

    public Uni<Outcome> everyScore() {
        long start = System.nanoTime();
        AtomicReference<String> after = new AtomicReference<>("");
        // the next page is read once a page is done, each after the last customer of the page before
        Multi<List<String>> customerPages = Multi.createBy().repeating()
                .uni(() -> pages.customersAfter(after.get(), customersPerPage)
                        .invoke(customers -> after.set(customers.isEmpty() ? after.get() : customers.get(customers.size() - 1))))
                .until(List::isEmpty);
        return customerPages.onItem()
                .transformToUni(customers -> scoring.rebuild(customers).map(changed -> new Outcome(customers.size(), changed, 0)))
                .merge(PAGES_AT_ONCE)
                .collect().with(Collectors.reducing(new Outcome(0, 0, 0), Outcome::plus))
                .map(done -> new Outcome(done.customers(), done.changed(), (System.nanoTime() - start) / 1_000_000));
    }
}
