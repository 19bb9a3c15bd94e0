package org.servicerecovery.loyalty.persistence;

import java.util.Map;

import org.servicerecovery.events.EventData;
import org.servicerecovery.loyalty.domain.Fact;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Facts as JSONB rows: the kind column names the record, the JSON holds its fields. */
public final class FactCodec {

    private static final ObjectMapper JSON = EventData.newObjectMapper();
    private static final Map<String, Class<? extends Fact>> KINDS = Map.of(
            "profile", Fact.Profile.class,
            "complaint", Fact.Complaint.class,
            "promise-kept", Fact.PromiseKept.class,
            "promise-missed", Fact.PromiseMissed.class,
            "promise-fulfilled-late", Fact.PromiseFulfilledLate.class,
            "feedback", Fact.Feedback.class,
            "case-opened", Fact.CaseOpened.class,
            "step-completed", Fact.StepCompleted.class,
            "case-escalated", Fact.CaseEscalated.class,
            "case-resolved", Fact.CaseResolved.class);

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
