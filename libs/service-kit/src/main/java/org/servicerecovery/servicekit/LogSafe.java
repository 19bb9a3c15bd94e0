package org.servicerecovery.servicekit;

/**
 * Request values as they may appear in a log line: control characters, line and paragraph separators and unpaired
 * surrogates written as a backslash, u and four hex digits (backslashes doubled), so that no caller can end a log line and forge the next one; long values cut.
 */
public final class LogSafe {

    static final int MAX_LENGTH = 1000;

    private LogSafe() {
    }

    public static String of(String text) {
        if (text == null) {
            return "null";
        }
        StringBuilder safe = new StringBuilder(Math.min(text.length(), MAX_LENGTH) + 16);
        int i = 0;
        for (; i < text.length() && safe.length() < MAX_LENGTH; i++) {
            char c = text.charAt(i);
            boolean pair = Character.isHighSurrogate(c) && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1));
            if (pair) {
                safe.append(c).append(text.charAt(++i));
            } else if (Text.isControl(c) || c == '\u2028' || c == '\u2029' || Character.isSurrogate(c) || c == '\\') {
                safe.append(c == '\\' ? "\\\\" : "\\u" + Text.hex(c));
            } else {
                safe.append(c);
            }
        }
        return i < text.length() ? safe.append("…").toString() : safe.toString();
    }

    /**
     * A copy of {@code failure} and its causes whose messages are {@link #of safe}, with the same stack traces, for
     * logging a failure whose message may quote a request.
     */
    public static Throwable of(Throwable failure) {
        Throwable cause = failure.getCause() == null || failure.getCause() == failure ? null : of(failure.getCause());
        Throwable copy = new LoggedFailure(failure.getClass().getName() + ": " + of(failure.getMessage()), cause);
        copy.setStackTrace(failure.getStackTrace());
        return copy;
    }

    /** Stands in for the original failure in a log; its message names the original class. */
    static final class LoggedFailure extends RuntimeException {

        LoggedFailure(String message, Throwable cause) {
            super(message, cause);
        }

        @Override
        public String toString() {
            return getMessage();
        }
    }
}
