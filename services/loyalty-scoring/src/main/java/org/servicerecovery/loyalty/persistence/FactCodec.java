package org.servicerecovery.loyalty.persistence;

import java.io.IOException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Map;

import org.servicerecovery.events.EventData;
import org.servicerecovery.loyalty.domain.Fact;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.datatype.jsr310.deser.InstantDeserializer;

/** Facts as JSONB rows: the kind column names the record, the JSON holds its fields. */
public final class FactCodec {

    private static final ObjectMapper JSON = EventData.newObjectMapper()
            .registerModule(new SimpleModule().addDeserializer(Instant.class, new StoredInstantDeserializer()));
    private static final Map<String, Class<? extends Fact>> KINDS = Map.ofEntries(
            Map.entry("profile", Fact.Profile.class),
            Map.entry("complaint", Fact.Complaint.class),
            Map.entry("promise-kept", Fact.PromiseKept.class),
            Map.entry("promise-missed", Fact.PromiseMissed.class),
            Map.entry("promise-miss-retracted", Fact.PromiseMissRetracted.class),
            Map.entry("promise-fulfilled-late", Fact.PromiseFulfilledLate.class),
            Map.entry("feedback", Fact.Feedback.class),
            Map.entry("case-opened", Fact.CaseOpened.class),
            Map.entry("step-completed", Fact.StepCompleted.class),
            Map.entry("case-escalated", Fact.CaseEscalated.class),
            Map.entry("case-resolved", Fact.CaseResolved.class));

    private FactCodec() {
    }

    public static String kind(Fact fact) {
        return KINDS.entrySet().stream().filter(entry -> entry.getValue().isInstance(fact))
                .map(Map.Entry::getKey).findFirst().orElseThrow();
    }

    public static String encode(Fact fact) {
        try {
            return JSON.writeValueAsString(fact);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + fact, e);
        }
    }

    public static Fact decode(String kind, String json) {
        try {
            return JSON.readValue(json, KINDS.get(kind));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored " + kind + " fact cannot be read: " + json, e);
        }
    }

    /**
     * A fact's time in the form it is stored in, {@link Instant#toString()}'s ({@code 2026-01-05T08:00:00.123Z}), read
     * without {@code DateTimeFormatter}: a rebuild reads two million of them, and the formatter's parse, with a map of
     * fields allocated per call, was a fifth of the service's profile of a rebuild. Any other form goes to Jackson's
     * own deserializer.
     */
    static final class StoredInstantDeserializer extends StdDeserializer<Instant> {

        StoredInstantDeserializer() {
            super(Instant.class);
        }

        @Override
        public Instant deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            if (parser.hasToken(JsonToken.VALUE_STRING)) {
                Instant stored = parseStored(parser.getText());
                if (stored != null) {
                    return stored;
                }
            }
            return InstantDeserializer.INSTANT.deserialize(parser, context);
        }

        /** {@code yyyy-MM-ddTHH:mm:ssZ}, with 1 to 9 digits of fraction before the Z; null for anything else. */
        static Instant parseStored(String text) {
            int length = text.length();
            boolean shape = (length == 20 || length >= 22 && length <= 30 && text.charAt(19) == '.')
                    && text.charAt(4) == '-' && text.charAt(7) == '-' && text.charAt(10) == 'T' && text.charAt(13) == ':'
                    && text.charAt(16) == ':' && text.charAt(length - 1) == 'Z';
            if (!shape) {
                return null;
            }
            int year = digits(text, 0, 4);
            int month = digits(text, 5, 7);
            int day = digits(text, 8, 10);
            int hour = digits(text, 11, 13);
            int minute = digits(text, 14, 16);
            int second = digits(text, 17, 19);
            int fraction = length == 20 ? 0 : digits(text, 20, length - 1);
            if ((year | month | day | hour | minute | second | fraction) < 0) { // one of them was not all digits
                return null;
            }
            int nanos = fraction;
            for (int place = length - 21; place < 9; place++) {
                nanos *= 10;
            }
            try {
                return LocalDateTime.of(year, month, day, hour, minute, second, nanos).toInstant(ZoneOffset.UTC);
            } catch (DateTimeException invalid) {
                return null;
            }
        }

        /** The number written in {@code text} from {@code from} to {@code to}, or -1 unless they are all digits. */
        private static int digits(String text, int from, int to) {
            int value = 0;
            for (int i = from; i < to; i++) {
                char c = text.charAt(i);
                if (c < '0' || c > '9') {
                    return -1;
                }
                value = value * 10 + c - '0';
            }
            return value;
        }
    }
}
