package org.servicerecovery.loyalty.domain;

import java.io.IOException;
import java.io.InputStream;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/** Reads and validates a weights file; any unknown or missing key is an error, not a silent default. */
public final class WeightsFile {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .registerModule(new JavaTimeModule())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES);

    private WeightsFile() {
    }

    public static Weights parse(InputStream yaml) throws IOException {
        Weights weights = YAML.readValue(yaml, Weights.class);
        weights.validate();
        return weights;
    }
}
