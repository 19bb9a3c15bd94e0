package org.servicerecovery.recovery.domain;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Map;
import java.util.Set;

/**
 * When a deadline's clock runs: opening hours per weekday in an IANA zone, minus holidays. A day without hours is
 * closed. {@link #ALWAYS} is the 24×7 calendar, in which working time is plain elapsed time.
 */
public record BusinessCalendar(String name, ZoneId zone, Map<DayOfWeek, Hours> hours, Set<LocalDate> holidays) {

    public static final BusinessCalendar ALWAYS = new BusinessCalendar("24x7", ZoneId.of("UTC"), Map.of(), Set.of());

    /** A calendar never spans more than ten years of closed days; beyond that it is misconfigured, not slow. */
    private static final int MAX_DAYS = 3660;

    /** Open from {@code open} to {@code close} (exclusive) the same day. */
    public record Hours(LocalTime open, LocalTime close) {
        public Hours {
            if (!open.isBefore(close)) {
                throw new IllegalArgumentException("opening " + open + " must be before closing " + close);
            }
        }
    }

    public BusinessCalendar {
        hours = Map.copyOf(hours);
        holidays = Set.copyOf(holidays);
    }

    public boolean alwaysOpen() {
        return hours.isEmpty();
    }

    /** The same hours and holidays in another zone: "the customer's time zone". */
    public BusinessCalendar in(ZoneId other) {
        return new BusinessCalendar(name, other, hours, holidays);
    }

    /** The instant at which {@code work} of working time has passed after {@code start}. */
    public Instant plus(Instant start, Duration work) {
        if (alwaysOpen()) {
            return start.plus(work);
        }
        Duration remaining = work;
        Instant cursor = start;
        LocalDate day = LocalDate.ofInstant(start, zone);
        for (int i = 0; i < MAX_DAYS; i++, day = day.plusDays(1)) {
            Hours open = openOn(day);
            if (open == null) {
                continue;
            }
            Instant from = max(cursor, day.atTime(open.open()).atZone(zone).toInstant());
            Instant to = day.atTime(open.close()).atZone(zone).toInstant();
            if (from.isBefore(to)) {
                Duration available = Duration.between(from, to);
                if (remaining.compareTo(available) <= 0) {
                    return from.plus(remaining);
                }
                remaining = remaining.minus(available);
            }
        }
        throw new IllegalStateException("calendar " + name + " has no working time in " + MAX_DAYS + " days");
    }

    /** Working time between two instants (zero if {@code to} is not after {@code from}). */
    public Duration between(Instant from, Instant to) {
        if (!from.isBefore(to)) {
            return Duration.ZERO;
        }
        if (alwaysOpen()) {
            return Duration.between(from, to);
        }
        Duration total = Duration.ZERO;
        LocalDate last = LocalDate.ofInstant(to, zone);
        for (LocalDate day = LocalDate.ofInstant(from, zone); !day.isAfter(last); day = day.plusDays(1)) {
            Hours open = openOn(day);
            if (open == null) {
                continue;
            }
            Instant start = max(from, day.atTime(open.open()).atZone(zone).toInstant());
            Instant end = min(to, day.atTime(open.close()).atZone(zone).toInstant());
            if (start.isBefore(end)) {
                total = total.plus(Duration.between(start, end));
            }
        }
        return total;
    }

    private Hours openOn(LocalDate day) {
        return holidays.contains(day) ? null : hours.get(day.getDayOfWeek());
    }

    private static Instant max(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }
}
