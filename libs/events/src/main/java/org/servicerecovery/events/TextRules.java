package org.servicerecovery.events;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.servicerecovery.events.InvalidCloudEventException.Problem;

/**
 * What text (and the JSON it travels in) must be so that every service can store and pass it on. A Java string, and
 * JSON with its {@code \\u} escapes, can hold things PostgreSQL refuses: U+0000 in {@code text} and {@code jsonb}, an
 * unpaired UTF-16 surrogate ({@code "\\ud800"}) in {@code jsonb}, and numbers beyond what {@code numeric} reads. One
 * such value fails the multi-row statement of a whole batch, so they are refused where they come in.
 *
 * <p>Also the byte length of text as PostgreSQL stores it (a B-tree key holds at most 2,704 bytes, all its columns
 * together), and a form of any text that is safe to write to a log line.
 */
public final class TextRules {

    /**
     * The largest magnitude of a number in an event: 2^53 − 1, the largest integer that every JSON reader (JavaScript,
     * a Java double) holds exactly.
     */
    public static final BigDecimal LARGEST_NUMBER = BigDecimal.valueOf(9_007_199_254_740_991L);

    /**
     * The most decimal places of a number in an event. jsonb stores numbers as numeric, which writes out every digit
     * (the 8 bytes 1e131071 become 128 KiB, 1e-5000 five thousand digits) and refuses larger exponents.
     */
    public static final int MOST_DECIMALS = 100;

    /** A document with more broken values than this is reported by its first ones. */
    private static final int MOST_PROBLEMS = 10;

    private static final ObjectMapper MAPPER = EventData.mapper();

    private TextRules() {
    }

    /** Why {@code text} cannot be stored as it is (a U+0000 or an unpaired surrogate), or empty if it can. */
    public static Optional<String> problem(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\0') {
                return Optional.of("must not contain the character U+0000 (at character " + i + ")");
            }
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return Optional.of("must not contain an unpaired UTF-16 surrogate (\\u"
                        + Integer.toHexString(c) + " at character " + i + "): it is not Unicode text");
            }
        }
        return Optional.empty();
    }

    /** The length of {@code text} in UTF-8, as PostgreSQL stores it. */
    public static int utf8Length(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }

    /**
     * Every string, member name and number of a JSON document as it was written (also the members a parsed tree
     * drops, such as the first of two with the same name), checked by {@link #problem} and the number bounds; pointers
     * under {@code base}. Malformed JSON is not reported here: the document's decoder reports it.
     */
    public static List<Problem> jsonProblems(byte[] json, String base) {
        List<Problem> problems = new ArrayList<>();
        try (JsonParser parser = MAPPER.createParser(json)) {
            JsonToken token;
            while ((token = parser.nextToken()) != null && problems.size() < MOST_PROBLEMS) {
                JsonStreamContext context = parser.getParsingContext();
                if (token == JsonToken.FIELD_NAME) {
                    Optional<String> problem = problem(parser.currentName());
                    if (problem.isPresent()) {
                        // The name itself cannot be part of the pointer, which is shown to people and logged.
                        problems.add(new Problem(base + context.getParent().pathAsPointer(),
                                "has a member name that " + problem.get()));
                        parser.nextToken();
                        parser.skipChildren();
                    }
                } else if (token == JsonToken.VALUE_STRING) {
                    problem(parser.getText()).ifPresent(p -> problems.add(new Problem(base + context.pathAsPointer(), p)));
                } else if (token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT) {
                    numberProblem(parser).ifPresent(p -> problems.add(new Problem(base + context.pathAsPointer(), p)));
                }
            }
        } catch (IOException e) {
            // Malformed: reported by the decoder, with the problems found up to there kept.
        }
        return problems;
    }

    /**
     * {@code text} fit for one log line: control, format and line-separator characters and unpaired surrogates
     * written as {@code \\uXXXX} escapes (so a value cannot forge log lines or hide in them), cut after
     * {@code maxChars} characters.
     */
    public static String printable(String text, int maxChars) {
        if (text == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder(Math.min(text.length(), maxChars) + 16);
        int end = Math.min(text.length(), maxChars);
        for (int i = 0; i < end; i++) {
            char c = text.charAt(i);
            boolean pair = Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1));
            if (pair) {
                out.append(c).append(text.charAt(++i));
            } else if (c == '\\') {
                out.append("\\\\");
            } else if (Character.isSurrogate(c) || Character.isISOControl(c) || isInvisible(c)) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        if (end < text.length()) {
            out.append("…(").append(text.length() - end).append(" more characters)");
        }
        return out.toString();
    }

    private static boolean isInvisible(char c) {
        int type = Character.getType(c);
        return type == Character.FORMAT || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR;
    }

    private static Optional<String> numberProblem(JsonParser parser) throws IOException {
        BigDecimal number;
        try {
            number = parser.getDecimalValue();
        } catch (NumberFormatException e) {
            return Optional.of("is " + printable(parser.getText(), 40) + ": a number in an event must be within ±"
                    + LARGEST_NUMBER.toPlainString());
        }
        if (number.abs().compareTo(LARGEST_NUMBER) > 0) {
            return Optional.of("is " + printable(parser.getText(), 40) + ": a number in an event must be within ±"
                    + LARGEST_NUMBER.toPlainString());
        }
        if (number.stripTrailingZeros().scale() > MOST_DECIMALS) {
            return Optional.of("is " + printable(parser.getText(), 40) + ": a number in an event may have at most "
                    + MOST_DECIMALS + " decimal places");
        }
        return Optional.empty();
    }
}
