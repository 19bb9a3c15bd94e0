package org.servicerecovery.loyalty.domain;

import java.nio.charset.StandardCharsets;

/**
 * The complaint, promise and case ids a running score has folded, as a Bloom filter of fixed size: it never misses an
 * id it holds, and answers yes for an id it does not hold with a probability that grows with how many it holds (about
 * 0.2 % at 3,000 ids, 5 % at 10,000). A yes costs a recomputation from the history, never a wrong score.
 */
final class RefFilter {

    static final int WORDS = 1024;
    private static final int BITS = WORDS * 64;
    private static final int HASHES = 3;

    final long[] words;

    RefFilter() {
        this(new long[WORDS]);
    }

    RefFilter(long[] words) {
        this.words = words;
    }

    void add(String ref) {
        long hash = hash(ref);
        for (int i = 0; i < HASHES; i++) {
            int bit = bit(hash, i);
            words[bit >>> 6] |= 1L << bit;
        }
    }

    boolean mayContain(String ref) {
        long hash = hash(ref);
        for (int i = 0; i < HASHES; i++) {
            int bit = bit(hash, i);
            if ((words[bit >>> 6] & (1L << bit)) == 0) {
                return false;
            }
        }
        return true;
    }

    private static int bit(long hash, int i) {
        int h1 = (int) hash;
        int h2 = (int) (hash >>> 32) | 1;
        return Math.floorMod(h1 + i * h2, BITS);
    }

    /** FNV-1a over the UTF-8 bytes: the same on every JVM, so a stored filter reads back the same. */
    private static long hash(String ref) {
        long hash = 0xcbf29ce484222325L;
        for (byte b : ref.getBytes(StandardCharsets.UTF_8)) {
            hash ^= b & 0xff;
            hash *= 0x100000001b3L;
        }
        return hash;
    }
}
