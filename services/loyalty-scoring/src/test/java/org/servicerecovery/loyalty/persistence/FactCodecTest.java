package org.servicerecovery.loyalty.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.servicerecovery.loyalty.domain.Fact;
import org.servicerecovery.loyalty.domain.RandomHistories;

/** Facts read back exactly as they were written, their times by the stored form's own reader or by Jackson's. */
class FactCodecTest {

    @Test
    void everyFactReadsBackAsWritten() {
        Random random = new Random(11);
        List<Fact> facts = RandomHistories.history(random, 2_000, Instant.parse("2026-01-05T08:00:00Z"));
        for (Fact fact : facts) {
            assertEquals(fact, FactCodec.decode(FactCodec.kind(fact), FactCodec.encode(fact)));
        }
    }

    @Test
    void theStoredFormIsReadAsInstantParseReadsIt() {
        Random random = new Random(7);
        for (int i = 0; i < 100_000; i++) {
            // from year 0 to 9999, to the second, the millisecond, the microsecond or the nanosecond
            Instant instant = Instant.ofEpochSecond(random.nextLong(-62_167_219_200L, 253_402_300_800L),
                    switch (i % 4) {
                        case 0 -> 0;
                        case 1 -> random.nextInt(1_000) * 1_000_000;
                        case 2 -> random.nextInt(1_000_000) * 1_000;
                        default -> random.nextInt(1_000_000_000);
                    });
            assertEquals(instant, FactCodec.StoredInstantDeserializer.parseStored(instant.toString()));
        }
    }

    @Test
    void anyOtherFormIsLeftToJackson() {
        for (String other : List.of("+10000-01-01T00:00:00Z", "-0001-01-01T00:00:00Z", "2026-01-05T08:00:00+02:00",
                "2026-01-05T08:00:00.Z", "2026-01-05T08:00:00.1234567890Z", "2026-02-30T08:00:00Z", "2026-01-05T24:00:00Z",
                "2026-01-05T08:00:60Z", "2026-+1-05T08:00:00Z", "2026-01-05 08:00:00Z")) {
            assertNull(FactCodec.StoredInstantDeserializer.parseStored(other), other);
        }
        Fact offset = FactCodec.decode("promise-kept", """
                {"eventId":"e1","at":"2026-01-05T08:00:00+02:00","promiseId":"p1"}""");
        assertEquals(Instant.parse("2026-01-05T06:00:00Z"), offset.at());
    }
}
