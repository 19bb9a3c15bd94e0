package org.servicerecovery.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.servicerecovery.events.InvalidCloudEventException.Problem;

class TextRulesTest {

    @ParameterizedTest
    @ValueSource(strings = {"", "plain", "caf\u00e9", "emoji \ud83d\ude00 pair", "\u2028 separators are text"})
    void textPostgresqlStoresPasses(String text) {
        assertTrue(TextRules.problem(text).isEmpty(), text);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a\u0000b", "\ud800", "x\udc00", "\ude00\ud83d", "high at the end \ud83d"})
    void nulAndUnpairedSurrogatesAreRefused(String text) {
        assertTrue(TextRules.problem(text).isPresent(), text);
    }

    @Test
    void utf8LengthCountsBytes() {
        assertEquals(3, TextRules.utf8Length("abc"));
        assertEquals(6, TextRules.utf8Length("\u20ac\u20ac"));
        assertEquals(4, TextRules.utf8Length("\ud83d\ude00"));
    }

    @Test
    void jsonIsCheckedAsWrittenWithPointers() {
        String json = """
                {"a": "\\u0000", "a": "ok", "list": ["fine", "\\ud800"], "n\\u0000me": {"deep": "\\u0000"},
                 "big": 1e400, "small": -9007199254740992, "ok": 9007199254740991, "fraction": 0.1,
                 "tiny": 1e-5000, "huge": 1e9999999999, "a/b": "\\udc00"}""";
        List<Problem> problems = TextRules.jsonProblems(json.getBytes(StandardCharsets.UTF_8), "/data");
        assertEquals(List.of("/data/a", "/data/list/1", "/data", "/data/big", "/data/small", "/data/tiny", "/data/huge",
                "/data/a~1b"), problems.stream().map(Problem::pointer).toList(), problems.toString());
    }

    @Test
    void malformedJsonKeepsWhatWasFoundAndLeavesTheRestToTheDecoder() {
        assertEquals(List.of("/x"), TextRules.jsonProblems("{\"x\": \"\\u0000\", ".getBytes(StandardCharsets.UTF_8), "")
                .stream().map(Problem::pointer).toList());
        assertTrue(TextRules.jsonProblems("not json".getBytes(StandardCharsets.UTF_8), "").isEmpty());
    }

    @Test
    void printableTextCannotForgeLogLines() {
        String printed = TextRules.printable("id\n2025-01-01 ERROR forged\u0000\u202e\ud800 \\u0000 \ud83d\ude00", 200);
        assertEquals("id\\u000a2025-01-01 ERROR forged\\u0000\\u202e\\ud800 \\\\u0000 \ud83d\ude00", printed);
        assertFalse(printed.chars().anyMatch(Character::isISOControl));
        assertEquals("abc…(3 more characters)", TextRules.printable("abcdef", 3));
        assertEquals("null", TextRules.printable(null, 3));
    }
}
