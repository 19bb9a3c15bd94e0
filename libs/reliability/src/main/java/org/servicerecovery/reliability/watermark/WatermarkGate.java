package org.servicerecovery.reliability.watermark;

import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.servicerecovery.reliability.timers.TimerHandler;

/**
 * Which timers wait for the input watermark, as SQL the timer claim and the timer loop share. A timer of a kind whose
 * handler {@link TimerHandler#awaitsInputWatermark() awaits the input watermark} is ready only once
 * {@code due_at <= watermark - grace}: the service has then read every customer event received before its due time
 * (plus the grace, for CRM clocks and REST requests still committing), so a decision "nothing happened before the
 * deadline" is taken on event time, not on how far the consumer has got. {@code reliability.watermark.enabled=false}
 * fires every timer on processing time, for a service run without intake (the isolated benchmark); never in production.
 */
@ApplicationScoped
public class WatermarkGate {

    private final Set<String> gatedKinds;
    private final boolean allGated;
    private final String topic;
    private final Duration grace;
    private final Duration lateAfter;

    public WatermarkGate(Instance<TimerHandler> handlers,
                         @ConfigProperty(name = "reliability.watermark.topic", defaultValue = "intake.events") String topic,
                         @ConfigProperty(name = "reliability.watermark.grace", defaultValue = "PT0.25S") Duration grace,
                         @ConfigProperty(name = "reliability.watermark.late-after", defaultValue = "PT1M") Duration lateAfter,
                         @ConfigProperty(name = "reliability.watermark.enabled", defaultValue = "true") boolean enabled) {
        this.gatedKinds = handlers.stream().filter(handler -> enabled && handler.awaitsInputWatermark())
                .map(TimerHandler::kind).collect(Collectors.toCollection(TreeSet::new));
        this.allGated = !gatedKinds.isEmpty() && handlers.stream().allMatch(TimerHandler::awaitsInputWatermark);
        this.topic = topic;
        this.grace = grace;
        this.lateAfter = lateAfter;
    }

    /** True if some timer kind of this service waits for the watermark. */
    public boolean active() {
        return !gatedKinds.isEmpty();
    }

    public Set<String> gatedKinds() {
        return gatedKinds;
    }

    public String topic() {
        return topic;
    }

    public Duration grace() {
        return grace;
    }

    public Duration lateAfter() {
        return lateAfter;
    }

    /** The latest due time a gated timer may have to be fired now: NULL while the watermark is unknown. */
    public String horizonSql() {
        return "(" + InputWatermarks.sqlOf(topic) + " - make_interval(secs => " + grace.toNanos() / 1e9 + "))";
    }

    /**
     * The condition, on table {@code timer}, that a timer's input is complete enough to fire it (its due time aside).
     * Literal values only, so the statement text is constant and planned once. When every kind is gated it is a plain
     * range on {@code due_at} (an index range); otherwise held timers are filtered out row by row.
     */
    public String readySql() {
        if (gatedKinds.isEmpty()) {
            return "TRUE";
        }
        if (allGated) {
            return "due_at <= " + horizonSql();
        }
        String kinds = gatedKinds.stream().map(InputWatermarks::literal).collect(Collectors.joining(", "));
        return "(kind NOT IN (" + kinds + ") OR due_at <= " + horizonSql() + ")";
    }

    /**
     * The earliest due time of a timer of {@code kinds} that may fire once due, as an SQL expression (NULL if none): one
     * index seek per kind ({@code timer_kind_due}). A single {@code min(due_at)} over the due-time index with
     * {@link #readySql()} as a filter walks every gated timer beyond the horizon before it finds a ready one: with
     * thousands of future step deadlines, tens of milliseconds of database time after every batch and NOTIFY.
     */
    public String nextReadySql(Set<String> kinds) {
        if (kinds.isEmpty()) {
            return "CAST(NULL AS timestamptz)";
        }
        return kinds.stream()
                .map(kind -> "(SELECT min(due_at) FROM timer WHERE NOT parked AND kind = " + InputWatermarks.literal(kind)
                        + (gatedKinds.contains(kind) ? " AND due_at <= " + horizonSql() : "") + ")")
                .collect(Collectors.joining(", ", "least(", ")"));
    }

    /**
     * The condition that a timer is held: of a gated kind, due by {@code now} (a placeholder of the caller's statement),
     * but beyond the horizon or the watermark unknown. A range on {@code timer_kind_due}.
     */
    public String heldSql(String now) {
        String kinds = gatedKinds.stream().map(InputWatermarks::literal).collect(Collectors.joining(", "));
        return "kind IN (" + kinds + ") AND due_at <= " + now
                + " AND due_at > coalesce(" + horizonSql() + ", TIMESTAMPTZ '-infinity')";
    }
}
