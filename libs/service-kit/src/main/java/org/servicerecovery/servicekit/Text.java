package org.servicerecovery.servicekit;

/**
 * What a text value from a request may hold so that it fits the event schemas and a PostgreSQL row: at most a given
 * number of characters (code points, as JSON Schema's {@code maxLength} counts them), no control characters (PostgreSQL
 * refuses NUL; the others forge log lines), no unpaired UTF-16 surrogates ({@code json}/{@code jsonb} refuse them).
 * Multi-line text may hold tab, line feed and carriage return.
 */
public final class Text {

    /** The event schemas' limit for notes and reasons. */
    public static final int NOTE_MAX_LENGTH = 2000;
    /** The event schemas' limit for ids and names (customer, case, team, person). */
    public static final int NAME_MAX_LENGTH = 200;

    private Text() {
    }

    /** Null when {@code value} is acceptable, otherwise what is wrong with it. */
    public static String problem(String value, int maxLength, boolean multiLine) {
        int length = value.codePointCount(0, value.length());
        if (length > maxLength) {
            return "must be at most " + maxLength + " characters (has " + length + ")";
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return "must not contain an unpaired surrogate (\\u" + hex(c) + " at character " + i + ")";
            } else if (isControl(c) && !(multiLine && (c == '\t' || c == '\n' || c == '\r'))) {
                return "must not contain control characters (U+" + hex(c) + " at character " + i + ")";
            }
        }
        return null;
    }

    /** C0 and C1 controls and DEL. */
    static boolean isControl(int c) {
        return c < 0x20 || (c >= 0x7F && c <= 0x9F);
    }

    static String hex(int c) {
        return String.format("%04X", c);
    }
}
