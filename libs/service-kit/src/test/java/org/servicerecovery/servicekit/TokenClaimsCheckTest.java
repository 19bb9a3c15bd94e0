package org.servicerecovery.servicekit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.ObjectMapper;

class TokenClaimsCheckTest {

    private static final long NOW = 1_800_000_000L;
    private final TokenClaimsCheck check = new TokenClaimsCheck(60, Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC));

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"sub\":\"alice\",\"team\":\"blue\",\"groups\":[\"agent\"],\"iat\":1800000000} |",
            "{\"sub\":\"alice\",\"groups\":\"agent supervisor\",\"iat\":1800000060}            |",
            "{\"sub\":\"alice\",\"team\":null}                                                 |",
            "{\"sub\":\"alice\",\"team\":[\"blue\",\"red\"]}                                   | /team",
            "{\"sub\":\"alice\",\"team\":{\"name\":\"blue\"}}                                  | /team",
            "{\"sub\":\"alice\",\"team\":\"bl\\u0000ue\"}                                      | /team",
            "{\"sub\":7}                                                                       | /sub",
            "{\"upn\":[\"alice\"]}                                                             | /upn",
            "{\"sub\":\"alice\",\"groups\":[\"agent\",1]}                                      | /groups",
            "{\"sub\":\"alice\",\"groups\":{\"agent\":true}}                                   | /groups",
            "{\"sub\":\"alice\",\"iat\":1800000061}                                            | /iat",
            "{\"sub\":\"alice\",\"iat\":\"yesterday\"}                                         | /iat"})
    void claimsTheServicesCannotUseAreNamed(String claims, String pointer) throws Exception {
        List<String> pointers = check.problems(new ObjectMapper().readTree(claims)).stream()
                .map(Problem.FieldError::pointer).toList();
        assertEquals(pointer == null ? List.of() : List.of(pointer), pointers);
    }
}
