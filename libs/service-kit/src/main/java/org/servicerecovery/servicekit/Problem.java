package org.servicerecovery.servicekit;

import java.net.URI;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * An RFC 9457 problem detail. {@code errors} names every invalid field by JSON pointer, so a client can fix all of
 * them in one go.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Problem(URI type, String title, int status, String detail, String instance, List<FieldError> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";
    private static final String TYPE_BASE = "https://service-recovery.org/problems/";

    public record FieldError(String pointer, String detail) {
    }

    public static Problem of(String slug, String title, int status, String detail, List<FieldError> errors) {
        return new Problem(URI.create(TYPE_BASE + slug), title, status, detail, null, errors);
    }

    public Problem at(String instancePath) {
        return new Problem(type, title, status, detail, instancePath, errors);
    }
}
