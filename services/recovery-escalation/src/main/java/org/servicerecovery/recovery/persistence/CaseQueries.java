package org.servicerecovery.recovery.persistence;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.servicerecovery.recovery.domain.CaseState;
import org.servicerecovery.recovery.domain.RecoveryCase;
import org.servicerecovery.recovery.domain.TimelineEntry;
import org.servicerecovery.servicekit.Viewer;

import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.panache.common.Page;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;

/** The read side of the REST API; every query is narrowed to what the viewer may see. */
@ApplicationScoped
public class CaseQueries {

    public record PageOf(List<RecoveryCase> items, long total) {
    }

    /** Sorted by the next deadline (cases without one last), then id, so paging is stable. */
    @WithSession
    public Uni<PageOf> list(CaseFilter filter, Viewer viewer, int page, int size) {
        Map<String, Object> params = new HashMap<>();
        List<String> where = new ArrayList<>();
        where.add(visibility(viewer, params));
        addIf(where, params, "state", filter.state());
        addIf(where, params, "assignee", filter.assignee());
        addIf(where, params, "team", filter.team());
        addIf(where, params, "severity", filter.severity());
        addIf(where, params, "overdue", filter.overdue());
        var query = CaseEntity.<CaseEntity>find(String.join(" and ", where),
                Sort.by("nextDeadline", Sort.Direction.Ascending, Sort.NullPrecedence.NULLS_LAST).and("id"), params)
                .page(Page.of(page, size));
        return query.count().chain(total -> query.list()
                .map(rows -> new PageOf(rows.stream().map(CaseEntity::toDomain).toList(), total)));
    }

    /** The supervisors' queue: escalated cases not yet resolved, most urgent first. */
    @WithSession
    public Uni<List<RecoveryCase>> escalated(Viewer viewer, int limit) {
        Map<String, Object> params = new HashMap<>();
        params.put("resolved", CaseState.RESOLVED);
        return CaseEntity.<CaseEntity>find("escalation is not null and state <> :resolved and " + visibility(viewer, params),
                        Sort.by("nextDeadline", Sort.Direction.Ascending, Sort.NullPrecedence.NULLS_LAST).and("id"),
                        params)
                .page(Page.ofSize(limit)).list()
                .map(rows -> rows.stream().map(CaseEntity::toDomain).toList());
    }

    @WithSession
    public Uni<Optional<RecoveryCase>> find(String id, Viewer viewer) {
        return CaseEntity.<CaseEntity>findById(id)
                .map(row -> Optional.ofNullable(row).map(CaseEntity::toDomain)
                        .filter(c -> viewer.sees(c.team(), c.assignee())));
    }

    @WithSession
    public Uni<Optional<List<TimelineEntry>>> timeline(String id, Viewer viewer) {
        return find(id, viewer).chain(found -> found.isEmpty()
                ? Uni.createFrom().item(Optional.<List<TimelineEntry>>empty())
                : TimelineEntity.<TimelineEntity>list("caseId = ?1 order by id", id).map(rows -> Optional.of(rows.stream()
                        .map(row -> new TimelineEntry(row.at, row.type, row.actor, row.detail)).toList())));
    }

    /** Cases opened in [from, to) for the SLA report. */
    @WithSession
    public Uni<List<RecoveryCase>> openedBetween(Instant from, Instant to, Viewer viewer) {
        Map<String, Object> params = new HashMap<>();
        params.put("from", from);
        params.put("to", to);
        return CaseEntity.<CaseEntity>list("openedAt >= :from and openedAt < :to and " + visibility(viewer, params),
                        params)
                .map(rows -> rows.stream().map(CaseEntity::toDomain).toList());
    }

    private static String visibility(Viewer viewer, Map<String, Object> params) {
        return viewer.condition("team", "assignee", params);
    }

    private static void addIf(List<String> where, Map<String, Object> params, String field, Object value) {
        if (value != null) {
            where.add(field + " = :" + field);
            params.put(field, value);
        }
    }
}
