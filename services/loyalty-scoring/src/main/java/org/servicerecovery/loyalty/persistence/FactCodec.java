package org.servicerecovery.loyalty.persistence;

import java.util.Map;

import org.servicerecovery.events.EventData;
import org.servicerecovery.loyalty.domain.Fact;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Facts as JSONB rows: the kind column names the record, the JSON holds its fields. */
public final class FactCodec {

    private static final ObjectMapper JSON = EventData.newObjectMapper();
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
}
