package org.servicerecovery.servicekit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TextTest {

    @Test
    void limitCountsCharactersNotUtf16Units() {
        String emoji = "\uD83D\uDE00";
        assertNull(Text.problem(emoji.repeat(2000), 2000, true));
        assertEquals("must be at most 2000 characters (has 2001)", Text.problem("x".repeat(2001), 2000, true));
    }

    @ParameterizedTest
    @ValueSource(strings = {"a\u0000b", "a\u001Bb", "a\u007Fb", "a\u0085b"})
    void controlCharactersAreRefused(String value) {
        assertTrue(Text.problem(value, 100, true).startsWith("must not contain control characters"));
    }

    @Test
    void multiLineTextMayHoldTabsAndLineBreaksButALineMayNot() {
        assertNull(Text.problem("first\r\nsecond\tthird", 100, true));
        assertTrue(Text.problem("first\nsecond", 100, false).startsWith("must not contain control characters (U+000A"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"a\uD800", "\uDC00a", "\uD800\uD800"})
    void unpairedSurrogatesAreRefused(String value) {
        assertTrue(Text.problem(value, 100, true).startsWith("must not contain an unpaired surrogate"));
    }

    @Test
    void queryParamsCollectEveryBadFieldAndTreatBlankAsAbsent() {
        QueryParams params = new QueryParams();
        assertNull(params.text("/note", "  ", 10));
        assertEquals("fine", params.text("/note", "fine", 10));
        params.requiredLine("/assignee", "bo\u0000b", 200);
        params.requiredText("/answer", null, 10);
        params.text("/long", "x".repeat(11), 10);
        InvalidParameters invalid = org.junit.jupiter.api.Assertions.assertThrows(InvalidParameters.class, params::check);
        assertEquals(List.of("/assignee", "/answer", "/long"),
                invalid.errors().stream().map(Problem.FieldError::pointer).toList());
    }

    @ParameterizedTest
    @ValueSource(strings = {"+99999-01-01T00:00:00Z", "-0001-01-01T00:00:00Z", "0000-01-01T00:00:00Z", "2025-13-01T00:00:00Z",
            "2025-01-01", "2025-01-01T00:00:00"})
    void timestampsOutsideRfc3339AreNamed(String value) {
        QueryParams params = new QueryParams();
        assertNull(params.instant("from", value));
        assertEquals("from", org.junit.jupiter.api.Assertions.assertThrows(InvalidParameters.class, params::check)
                .errors().get(0).pointer());
    }
}
