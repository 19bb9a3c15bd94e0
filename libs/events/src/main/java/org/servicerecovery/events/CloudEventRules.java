package org.servicerecovery.events;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.servicerecovery.events.InvalidCloudEventException.Problem;

/**
 * The CloudEvents 1.0 attribute rules, in one place so that building an event in code and decoding one from
 * the wire reject exactly the same things.
 */
final class CloudEventRules {

    static final String SPEC_VERSION = "1.0";

    static final Set<String> CONTEXT_ATTRIBUTES =
            Set.of("specversion", "id", "source", "type", "subject", "time", "datacontenttype", "dataschema");

    /** Names an extension may not take: the context attributes and the members that carry data. */
    private static final Set<String> RESERVED_NAMES = Stream.concat(CONTEXT_ATTRIBUTES.stream(),
            Stream.of("data", "data_base64")).collect(Collectors.toUnmodifiableSet());

    private static final Pattern EXTENSION_NAME = Pattern.compile("[a-z0-9]+");

    /** application/json, text/json and structured-syntax suffixes such as application/problem+json. */
    private static final Pattern JSON_MEDIA_TYPE = Pattern.compile("(application|text)/([^;+\\s]+\\+)?json");

    private CloudEventRules() {
    }

    static List<Problem> check(String base, String specversion, String id, String source, String type,
            String subject, String datacontenttype, String dataschema, Map<String, String> extensions) {
        List<Problem> problems = new ArrayList<>();
        if (specversion == null) {
            problems.add(new Problem(base + "/specversion", "is required"));
        } else if (!SPEC_VERSION.equals(specversion)) {
            problems.add(new Problem(base + "/specversion", "must be " + SPEC_VERSION));
        }
        requireNonEmpty(problems, base + "/id", id);
        if (requireNonEmpty(problems, base + "/source", source) && !isUriReference(source)) {
            problems.add(new Problem(base + "/source", "must be a URI-reference"));
        }
        requireNonEmpty(problems, base + "/type", type);
        if (subject != null && subject.isEmpty()) {
            problems.add(new Problem(base + "/subject", "must not be empty"));
        }
        if (datacontenttype != null && !isJson(datacontenttype)) {
            problems.add(new Problem(base + "/datacontenttype", "must be a JSON media type "
                    + "(application/json or application/*+json), was \"" + TextRules.printable(datacontenttype, 100) + "\""));
        }
        if (dataschema != null && !isAbsoluteUri(dataschema)) {
            problems.add(new Problem(base + "/dataschema", "must be an absolute URI"));
        }
        extensions.forEach((name, value) -> {
            String pointer = Problem.pointer(base, name);
            if (RESERVED_NAMES.contains(name)) {
                problems.add(new Problem(pointer, "is reserved and cannot be an extension attribute"));
            } else if (!EXTENSION_NAME.matcher(name).matches()) {
                problems.add(new Problem(pointer, "is not a valid extension attribute name (only a-z and 0-9)"));
            } else if (value == null) {
                problems.add(new Problem(pointer, "must not be null"));
            }
        });
        return problems;
    }

    /** The media type without parameters, in lower case: {@code Text/JSON; charset=utf-8} is {@code text/json}. */
    static String essence(String contentType) {
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
    }

    // Event data is bound to JsonNode and Jackson records, so a non-JSON payload is a contract breach, not an
    // alternative encoding we could pass through.
    static boolean isJson(String contentType) {
        return JSON_MEDIA_TYPE.matcher(essence(contentType)).matches();
    }

    private static boolean requireNonEmpty(List<Problem> problems, String pointer, String value) {
        if (value == null) {
            problems.add(new Problem(pointer, "is required"));
            return false;
        }
        if (value.isEmpty()) {
            problems.add(new Problem(pointer, "must not be empty"));
            return false;
        }
        return true;
    }

    private static boolean isUriReference(String value) {
        try {
            new URI(value);
            return true;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private static boolean isAbsoluteUri(String value) {
        try {
            return new URI(value).isAbsolute();
        } catch (URISyntaxException e) {
            return false;
        }
    }
}
