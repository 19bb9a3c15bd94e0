package org.servicerecovery.servicekit;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks a request's path and query as they arrive (percent-encoded) for what no resource can use: broken
 * percent-encoding, bytes that are not UTF-8 once decoded, and control characters, {@code %00} above all (PostgreSQL
 * refuses it, and a logged one forges log lines). A bad query parameter is named by its name, the path as {@code path}.
 */
final class RequestTarget {

    private RequestTarget() {
    }

    static List<Problem.FieldError> problems(String path, String query) {
        List<Problem.FieldError> errors = new ArrayList<>();
        String pathProblem = problem(path, false);
        if (pathProblem != null) {
            errors.add(new Problem.FieldError("path", pathProblem));
        }
        if (query == null) {
            return errors;
        }
        for (String pair : query.split("&")) {
            int equals = pair.indexOf('=');
            String name = equals < 0 ? pair : pair.substring(0, equals);
            String nameProblem = problem(name, true);
            if (nameProblem != null) {
                errors.add(new Problem.FieldError("query", "a parameter name " + nameProblem));
            } else if (equals >= 0) {
                String valueProblem = problem(pair.substring(equals + 1), true);
                if (valueProblem != null) {
                    errors.add(new Problem.FieldError(decode(name, true), valueProblem));
                }
            }
        }
        return errors;
    }

    /** Whether {@code raw} can be shown as it is: printable ASCII only. */
    static boolean printable(String raw) {
        return raw.chars().allMatch(c -> c > 0x20 && c < 0x7F);
    }

    private static String problem(String raw, boolean form) {
        for (int i = 0; i < raw.length(); i++) {
            if (Text.isControl(raw.charAt(i)) || raw.charAt(i) == ' ') {
                return "must not contain unencoded spaces or control characters";
            }
        }
        String decoded;
        try {
            decoded = decode(raw, form);
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        for (int i = 0; i < decoded.length(); i++) {
            if (Text.isControl(decoded.charAt(i))) {
                return "must not contain control characters (U+" + Text.hex(decoded.charAt(i)) + ")";
            }
        }
        return null;
    }

    /** Percent-decoding ({@code +} is a space in a query), strict about escapes and UTF-8. */
    private static String decode(String raw, boolean form) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                int high = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 1), 16) : -1;
                int low = high < 0 ? -1 : Character.digit(raw.charAt(i + 2), 16);
                if (low < 0) {
                    throw new IllegalArgumentException("has a % that is not followed by two hexadecimal digits");
                }
                bytes.write(high * 16 + low);
                i += 2;
            } else if (c == '+' && form) {
                bytes.write(' ');
            } else if (c <= 0xFF) {
                bytes.write(c);
            } else {
                bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("is not UTF-8 once percent-decoded");
        }
    }
}
