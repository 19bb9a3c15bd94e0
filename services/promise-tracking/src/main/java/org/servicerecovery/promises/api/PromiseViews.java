package org.servicerecovery.promises.api;

import java.time.Instant;
import java.util.List;

import org.servicerecovery.events.crm.Channel;
import org.servicerecovery.events.crm.Tier;
import org.servicerecovery.promises.domain.HistoryEntry;
import org.servicerecovery.promises.domain.Promise;
import org.servicerecovery.promises.domain.PromiseState;
import org.servicerecovery.promises.persistence.StatsRow;

/** The JSON shapes of the promises API. */
public final class PromiseViews {

    private PromiseViews() {
    }

    public record PromiseView(String id, String customerId, String owner, String team, Channel channel, Tier tier,
                              String description, Instant madeAt, Instant dueAt, PromiseState state,
                              Instant fulfilledAt, Instant missedAt, Instant cancelledAt) {

        static PromiseView of(Promise p) {
            return new PromiseView(p.id(), p.customerId(), p.owner(), p.team(), p.channel(), p.tier(), p.description(),
                    p.madeAt(), p.dueAt(), p.state(), p.fulfilledAt(), p.missedAt(), p.cancelledAt());
        }
    }

    public record PromisePage(List<PromiseView> items, int page, int size, long total) {
    }

    public record PromiseDetail(PromiseView promise, List<HistoryEntry> history) {
    }

    /** {@code keptOnTimeRate} = kept / settled (kept, missed or fulfilled late), null when nothing settled yet. */
    public record StatsGroup(String key, long made, long kept, long missed, Double keptOnTimeRate,
                             Double medianLatenessMillis, Double p90LatenessMillis) {

        static StatsGroup of(StatsRow row) {
            return new StatsGroup(row.key(), row.made(), row.kept(), row.missed(),
                    row.settled() == 0 ? null : (double) row.kept() / row.settled(),
                    row.medianLatenessMillis(), row.p90LatenessMillis());
        }
    }

    public record Stats(Instant from, Instant to, String groupBy, List<StatsGroup> groups) {
    }
}
