package org.servicerecovery.loyalty.domain;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.servicerecovery.events.crm.Tier;

/** A running score as bytes, stored beside the customer's score: every field, exactly, so it reads back the same. */
public final class ScoreStateCodec {

    private static final byte FORMAT = 2;

    private ScoreStateCodec() {
    }

    public static byte[] encode(ScoreState state) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(state.folded == null ? 512 : 9216);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT);
            out.writeInt(state.weightsVersion());
            writeNullable(out, state.asOf, () -> writeInstant(out, state.asOf));
            writeNullable(out, state.latestProfile, () -> {
                Fact.Profile profile = state.latestProfile;
                writeEntry(out, ScoreState.Entry.of(profile));
                out.writeUTF(profile.tier().name());
                writeString(out, profile.team());
            });
            writeNullable(out, state.horizon, () -> writeEntry(out, state.horizon));
            writeEntries(out, state.recent);
            for (ExactPoints sum : List.of(state.kept, state.fulfilledLate, state.feedback, state.followUp, state.missed,
                    state.complaints, state.foldedRecovery, state.foldedParadox)) {
                writePoints(out, sum);
            }
            for (String factor : ScoringEngine.ORDER) {
                Recent recent = state.explained.get(factor);
                out.writeInt(recent.count());
                writeEntries(out, recent.latest());
            }
            out.writeInt(state.retractedPromises.size());
            for (String promiseId : state.retractedPromises) {
                out.writeUTF(promiseId);
            }
            out.writeInt(state.failures.size());
            for (ScoreState.Failure failure : state.failures) {
                writeEntry(out, failure.entry);
                out.writeBoolean(failure.complaint);
                out.writeUTF(failure.ref);
                out.writeDouble(failure.firstLoss);
                out.writeDouble(failure.repeatLoss);
                out.writeBoolean(failure.repeat);
            }
            writeNullable(out, state.lastFoldedFailureAt, () -> writeInstant(out, state.lastFoldedFailureAt));
            out.writeInt(state.cases.size());
            for (ScoreState.Case recovery : state.cases.values()) {
                out.writeUTF(recovery.caseId);
                writeNullable(out, recovery.triggerEntry, () -> {
                    writeEntry(out, recovery.triggerEntry);
                    out.writeUTF(recovery.triggerRef);
                });
                writePoints(out, recovery.credit);
                out.writeInt(recovery.escalations);
                writeNullable(out, recovery.resolved, () -> {
                    writeEntry(out, recovery.resolved.entry());
                    out.writeBoolean(recovery.resolved.allOnTime());
                });
                writeEntries(out, recovery.events);
                writeNullable(out, recovery.folded, () -> {
                    out.writeUTF(recovery.folded.ref());
                    out.writeDouble(recovery.folded.loss());
                    out.writeBoolean(recovery.folded.repeat());
                    writeInstant(out, recovery.folded.firstAt());
                });
            }
            writeNullable(out, state.folded, () -> {
                for (long word : state.folded.words) {
                    out.writeLong(word);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Whether {@code stored} is a running score of this format and {@code weights}' version. */
    public static boolean readable(Weights weights, byte[] stored) {
        return stored.length >= 5 && stored[0] == FORMAT && ByteBuffer.wrap(stored, 1, 4).getInt() == weights.version();
    }

    /** The state stored with {@code weights}' version; a state of another version cannot be read (rescore instead). */
    public static ScoreState decode(Weights weights, byte[] stored) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(stored))) {
            if (in.readByte() != FORMAT) {
                throw new IllegalArgumentException("unknown running-score format");
            }
            int version = in.readInt();
            if (version != weights.version()) {
                throw new IllegalArgumentException("running score of weights version " + version + ", not " + weights.version());
            }
            ScoreState state = new ScoreState(weights);
            state.asOf = in.readBoolean() ? readInstant(in) : null;
            if (in.readBoolean()) {
                ScoreState.Entry entry = readEntry(in);
                state.latestProfile = new Fact.Profile(entry.eventId(), entry.at(), Tier.valueOf(in.readUTF()), readString(in));
            }
            state.horizon = in.readBoolean() ? readEntry(in) : null;
            readEntries(in, state.recent);
            state.kept = readPoints(in);
            state.fulfilledLate = readPoints(in);
            state.feedback = readPoints(in);
            state.followUp = readPoints(in);
            state.missed = readPoints(in);
            state.complaints = readPoints(in);
            state.foldedRecovery = readPoints(in);
            state.foldedParadox = readPoints(in);
            for (String factor : ScoringEngine.ORDER) {
                int count = in.readInt();
                List<ScoreState.Entry> latest = new ArrayList<>();
                readEntries(in, latest);
                state.explained.put(factor, Recent.restored(latest, count));
            }
            for (int i = in.readInt(); i > 0; i--) {
                state.retractedPromises.add(in.readUTF());
            }
            for (int i = in.readInt(); i > 0; i--) {
                state.failures.add(new ScoreState.Failure(readEntry(in), in.readBoolean(), in.readUTF(), in.readDouble(),
                        in.readDouble(), in.readBoolean()));
            }
            state.lastFoldedFailureAt = in.readBoolean() ? readInstant(in) : null;
            for (int i = in.readInt(); i > 0; i--) {
                ScoreState.Case recovery = new ScoreState.Case(in.readUTF());
                if (in.readBoolean()) {
                    recovery.triggerEntry = readEntry(in);
                    recovery.triggerRef = in.readUTF();
                }
                recovery.credit = readPoints(in);
                recovery.escalations = in.readInt();
                if (in.readBoolean()) {
                    recovery.resolved = new ScoreState.Resolution(readEntry(in), in.readBoolean());
                }
                readEntries(in, recovery.events);
                if (in.readBoolean()) {
                    recovery.folded = new ScoreState.FoldedTrigger(in.readUTF(), in.readDouble(), in.readBoolean(), readInstant(in));
                }
                state.cases.put(recovery.caseId, recovery);
            }
            if (in.readBoolean()) {
                long[] words = new long[RefFilter.WORDS];
                for (int i = 0; i < words.length; i++) {
                    words[i] = in.readLong();
                }
                state.folded = new RefFilter(words);
            }
            return state;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private interface Writer {
        void write() throws IOException;
    }

    private static void writeNullable(DataOutputStream out, Object value, Writer writer) throws IOException {
        out.writeBoolean(value != null);
        if (value != null) {
            writer.write();
        }
    }

    private static void writeString(DataOutputStream out, String value) throws IOException {
        writeNullable(out, value, () -> out.writeUTF(value));
    }

    private static String readString(DataInputStream in) throws IOException {
        return in.readBoolean() ? in.readUTF() : null;
    }

    private static void writeInstant(DataOutputStream out, Instant at) throws IOException {
        out.writeLong(at.getEpochSecond());
        out.writeInt(at.getNano());
    }

    private static Instant readInstant(DataInputStream in) throws IOException {
        return Instant.ofEpochSecond(in.readLong(), in.readInt());
    }

    private static void writeEntry(DataOutputStream out, ScoreState.Entry entry) throws IOException {
        writeInstant(out, entry.at());
        out.writeUTF(entry.eventId());
    }

    private static ScoreState.Entry readEntry(DataInputStream in) throws IOException {
        return new ScoreState.Entry(readInstant(in), in.readUTF());
    }

    private static void writeEntries(DataOutputStream out, List<ScoreState.Entry> entries) throws IOException {
        out.writeInt(entries.size());
        for (ScoreState.Entry entry : entries) {
            writeEntry(out, entry);
        }
    }

    private static void readEntries(DataInputStream in, List<ScoreState.Entry> into) throws IOException {
        for (int i = in.readInt(); i > 0; i--) {
            into.add(readEntry(in));
        }
    }

    private static void writePoints(DataOutputStream out, ExactPoints points) throws IOException {
        byte[] mantissa = points.mantissa().toByteArray();
        out.writeShort(mantissa.length);
        out.write(mantissa);
        out.writeLong(points.exponent());
    }

    private static ExactPoints readPoints(DataInputStream in) throws IOException {
        byte[] mantissa = new byte[in.readUnsignedShort()];
        in.readFully(mantissa);
        return ExactPoints.of(new BigInteger(mantissa), in.readLong());
    }
}
