package org.servicerecovery.servicekit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RequestTargetTest {

    @Test
    void ordinaryTargetsPass() {
        assertTrue(RequestTarget.problems("/api/v1/cases/caf%C3%A9", "team=blue+team&size=10&flag&x=%2F").isEmpty());
    }

    @ParameterizedTest
    @CsvSource({
            "/api/v1/cases/a%00b, , path",
            "/api/v1/cases/a%0Ab, , path",
            "/api/v1/cases/a%zz, , path",
            "/api/v1/cases/a%C3, , path",
            "/api/v1/cases/a%ED%A0%80, , path",
            "/api/v1/cases, team=a%00b, team",
            "/api/v1/cases, size=1&team=a%1Bb, team",
            "/api/v1/cases, te%00am=x, query",
            "/api/v1/cases, team=%, team"})
    void brokenEncodingAndControlCharactersAreNamed(String path, String query, String pointer) {
        List<Problem.FieldError> errors = RequestTarget.problems(path, query);
        assertEquals(List.of(pointer), errors.stream().map(Problem.FieldError::pointer).toList());
    }

    @Test
    void rawControlCharactersAreRefusedToo() {
        assertEquals("path", RequestTarget.problems("/a\u0000b", null).get(0).pointer());
    }
}
