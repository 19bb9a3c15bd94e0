package org.servicerecovery.recovery.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

class BusinessCalendarTest {

    /** Mon–Fri 09:00–17:00; Friday 2026-12-25 is a holiday. */
    static BusinessCalendar office(String zone) {
        Map<DayOfWeek, BusinessCalendar.Hours> hours = new EnumMap<>(DayOfWeek.class);
        for (DayOfWeek day : new DayOfWeek[] {DayOfWeek.MONDAY, DayOfWeek.TUESDAY, DayOfWeek.WEDNESDAY,
                DayOfWeek.THURSDAY, DayOfWeek.FRIDAY}) {
            hours.put(day, new BusinessCalendar.Hours(LocalTime.of(9, 0), LocalTime.of(17, 0)));
        }
        return new BusinessCalendar("office", ZoneId.of(zone), hours, Set.of(LocalDate.parse("2026-12-25")));
    }

    @Test
    void fourBusinessHoursFromThursdayAfternoonSkipTheHolidayAndTheWeekendInBerlin() {
        // Thursday 2026-12-24 15:00 Berlin (14:00 UTC): 2 h left that day, Friday is a holiday, then the weekend.
        Instant start = Instant.parse("2026-12-24T14:00:00Z");
        Instant due = office("Europe/Berlin").plus(start, Duration.ofHours(4));
        assertEquals(Instant.parse("2026-12-28T10:00:00Z"), due); // Monday 11:00 Berlin
    }

    @Test
    void theSameWindowInNewYorkFollowsNewYorkHours() {
        // The same instant is 09:00 in New York on Thursday: 4 hours fit that day.
        Instant start = Instant.parse("2026-12-24T14:00:00Z");
        assertEquals(Instant.parse("2026-12-24T18:00:00Z"), office("America/New_York").plus(start, Duration.ofHours(4)));
        // Starting at 16:00 New York: 1 h Thursday, holiday Friday, weekend, 3 h on Monday -> Monday 12:00 New York.
        Instant late = Instant.parse("2026-12-24T21:00:00Z");
        assertEquals(Instant.parse("2026-12-28T17:00:00Z"), office("America/New_York").plus(late, Duration.ofHours(4)));
    }

    @Test
    void aStartOutsideHoursWaitsForTheNextOpening() {
        // Saturday night -> Monday 09:00 Berlin + 1 h.
        Instant saturday = Instant.parse("2026-12-19T22:00:00Z");
        assertEquals(Instant.parse("2026-12-21T09:00:00Z"), office("Europe/Berlin").plus(saturday, Duration.ofHours(1)));
    }

    @Test
    void workingTimeBetweenCountsOnlyOpenHours() {
        BusinessCalendar berlin = office("Europe/Berlin");
        Instant thursday = Instant.parse("2026-12-24T14:00:00Z");
        Instant monday = Instant.parse("2026-12-28T10:00:00Z");
        assertEquals(Duration.ofHours(4), berlin.between(thursday, monday));
        assertEquals(Duration.ZERO, berlin.between(monday, thursday));
        assertEquals(Duration.ofHours(5), BusinessCalendar.ALWAYS.between(monday, monday.plus(Duration.ofHours(5))));
    }

    @Test
    void aTwentyFourSevenCalendarIsPlainElapsedTime() {
        Instant start = Instant.parse("2026-12-25T23:50:00Z");
        assertEquals(Instant.parse("2026-12-26T00:05:00Z"), BusinessCalendar.ALWAYS.plus(start, Duration.ofMinutes(15)));
    }
}
