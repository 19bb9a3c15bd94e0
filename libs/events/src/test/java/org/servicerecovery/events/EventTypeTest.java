package org.servicerecovery.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class EventTypeTest {

    @ParameterizedTest
    @EnumSource(EventType.class)
    void lookupsFindEachTypeByItsNameAndItsRecord(EventType type) {
        assertEquals(Optional.of(type), EventType.fromType(type.type()));
        assertEquals(type, EventType.of(type.dataClass()));
        assertEquals(1, type.version());
    }

    @Test
    void anUnknownTypeIsEmpty() {
        assertEquals(Optional.empty(), EventType.fromType("order.placed"));
        assertEquals(Optional.empty(), EventType.fromType("PROMISE_MISSED"));
    }

    @Test
    void aRecordOutsideTheCatalogueHasNoType() {
        CustomerEvent stranger = () -> "cust-42";

        assertThrows(IllegalArgumentException.class, () -> EventType.of(stranger.getClass()));
    }

    @Test
    void typeNamesAreUnique() {
        long distinct = Arrays.stream(EventType.values()).map(EventType::type).distinct().count();

        assertEquals(EventType.values().length, distinct);
    }

    @ParameterizedTest
    @EnumSource(EventType.class)
    void inboundTypesAreExactlyTheCrmContract(EventType type) {
        assertEquals(type.dataClass().getPackageName().endsWith(".crm"), type.inbound());
        assertTrue(!type.topic().topicName().endsWith(".dlq"), "dead-letter topics carry failures, not events");
    }

    @Test
    void schemaLocationsFollowTheTypeAndVersion() {
        assertEquals("schemas/promise.fulfilled-late.v1.json", EventType.PROMISE_FULFILLED_LATE.schemaPath());
        assertEquals("https://servicerecovery.org/schemas/promise.fulfilled-late.v1.json",
                EventType.PROMISE_FULFILLED_LATE.dataschema());
    }
}
