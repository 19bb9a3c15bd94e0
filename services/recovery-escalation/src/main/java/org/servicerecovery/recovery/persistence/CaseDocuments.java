package org.servicerecovery.recovery.persistence;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import org.servicerecovery.recovery.domain.RecoveryCase;

/**
 * The case as a JSON document. Its own mapper, not the REST one, so that changing how the API renders dates can never
 * change what is stored.
 */
final class CaseDocuments {

    private static final ObjectMapper JSON = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private CaseDocuments() {
    }

    static String write(RecoveryCase recoveryCase) {
        try {
            return JSON.writeValueAsString(recoveryCase);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("case " + recoveryCase.id() + " cannot be written as JSON", e);
        }
    }

    static RecoveryCase read(String doc) {
        try {
            return JSON.readValue(doc, RecoveryCase.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored case cannot be read: " + e.getOriginalMessage(), e);
        }
    }
}
