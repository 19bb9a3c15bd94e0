package org.servicerecovery.reliability.outbox;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class NotifiedIdsTest {

    @Test
    void overlappingAndTouchingRangesAreReadOnceInIdOrder() {
        NotifiedIds ids = new NotifiedIds();
        assertTrue(ids.add("30 40"));
        assertTrue(ids.add("10 12"));
        assertTrue(ids.add("13 15"));
        assertTrue(ids.add("35 50"));
        assertTrue(ids.add("60 60"));
        assertTrue(ids.add("20 31"));

        NotifiedIds.Ranges read = ids.drain();

        assertArrayEquals(new Long[] {10L, 20L, 60L}, read.firsts());
        assertArrayEquals(new Long[] {15L, 50L, 60L}, read.lasts());
        assertTrue(ids.isEmpty());
    }

    @Test
    void aRangeThatSpansSeveralSwallowsThem() {
        NotifiedIds ids = new NotifiedIds();
        ids.add("5 6");
        ids.add("8 9");
        ids.add("12 12");
        ids.add("1 20");

        NotifiedIds.Ranges read = ids.drain();

        assertArrayEquals(new Long[] {1L}, read.firsts());
        assertArrayEquals(new Long[] {20L}, read.lasts());
    }

    @Test
    void aReadThatDidNotGetThroughIsNotedAgain() {
        NotifiedIds ids = new NotifiedIds();
        ids.add("1 3");
        NotifiedIds.Ranges read = ids.drain();
        ids.add("4 4");

        ids.putBack(read);

        assertArrayEquals(new Long[] {1L}, ids.drain().firsts());
    }

    @Test
    void aNotificationWithoutIdsAsksForAScanOfEverything() {
        NotifiedIds ids = new NotifiedIds();
        assertFalse(ids.add(""));
        assertFalse(ids.add(null));
        assertFalse(ids.add("7"));
        assertFalse(ids.add("seven eight"));
        assertTrue(ids.isEmpty());
    }
}
