package dev.forge.core.repo;

import dev.forge.core.model.BinaryReader;
import dev.forge.core.model.BinaryWriter;
import dev.forge.core.model.MalformedObjectException;
import dev.forge.core.model.ObjectId;
import dev.forge.core.port.StageEntry;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The tree id of each folder of a stage, kept with the stage (the tree-cache section of {@code
 * .forge/stage}, docs/format.md), so that the op log's stage snapshots and {@code commit} re-encode and
 * hash only the folders whose entries changed; git's "cache-tree" index extension is the model.
 *
 * <p>Never trusted blindly (a wrong tree id here would make a commit record other files than the
 * stage holds): a record is used for a folder only when the stage entries below that folder, as they
 * are now, have the record's count and fingerprint, and its tree is stored intact. The fingerprint is
 * a polynomial hash modulo the prime 2<sup>61</sup>-1, at a random point kept with the cache, of an
 * injective encoding of those entries as words (path, kind, type, size, id; see {@link Prefix}). Two
 * different entry lists of at most L words share a fingerprint for at most L of the 2<sup>61</sup>-1
 * points, so a record that some writer failed to replace (an older forge, a bug, a stage rewritten by
 * {@code repair}) is detected, not believed, with probability at least 1 - L/2<sup>61</sup> (about
 * 1 - 2<sup>-39</sup> for 100,000 files), by anyone who did not know the point. Hence there is no
 * invalidation to get right: every record is checked against the entries each time it is used, in one
 * pass over the stage (a few multiplications per path).
 */
final class TreeCache {
    static final int VERSION = 1;
    /** The modulus of fingerprints, the Mersenne prime 2^61-1. */
    static final long P = (1L << 61) - 1;

    /** What the cache says of one folder: its entry count and fingerprint, and its tree and total size. */
    record Dir(long fingerprint, int count, ObjectId tree, long size) {}

    /** The evaluation point of the fingerprints, in [2, P-1]. */
    final long point;

    /** Folder path ("" for the root) to its record, in path order. */
    private final Map<String, Dir> dirs;

    TreeCache(long point, Map<String, Dir> dirs) {
        if (point < 2 || point >= P) throw new IllegalArgumentException("tree cache point out of range");
        this.point = point;
        this.dirs = Collections.unmodifiableMap(dirs);
    }

    /** No records, at a fresh random point (one per process: only its secrecy from file names matters). */
    static TreeCache empty() {
        return new TreeCache(FreshPoint.VALUE, Map.of());
    }

    private static final class FreshPoint {
        static final long VALUE = 2 + Math.floorMod(new java.security.SecureRandom().nextLong(), P - 2);
    }

    Map<String, Dir> dirs() {
        return dirs;
    }

    Dir get(String path) {
        return dirs.get(path);
    }

    int size() {
        return dirs.size();
    }

    /** The section's bytes: u8 version, u64 point, varint n, n x (string path, varint count, u64 fingerprint, varint size, id). */
    byte[] encode() {
        BinaryWriter w = new BinaryWriter(16 + dirs.size() * 64);
        w.u8(VERSION).u64(point).varint(dirs.size());
        for (var e : dirs.entrySet()) {
            Dir d = e.getValue();
            w.string(e.getKey())
                    .varint(d.count())
                    .u64(d.fingerprint())
                    .varint(d.size())
                    .id(d.tree());
        }
        return w.toByteArray();
    }

    /**
     * The cache in {@code bytes}, or an empty one when there are none or they are not a cache this
     * build writes (a cache is only ever an optimisation: the caller rebuilds what it lacks).
     */
    static TreeCache decode(byte[] bytes) {
        if (bytes == null || bytes.length == 0) return empty();
        try {
            BinaryReader r = new BinaryReader(bytes);
            if (r.u8() != VERSION) return empty();
            long point = r.u64();
            if (point < 2 || point >= P) return empty();
            int n = r.count(bytes.length / 36);
            Map<String, Dir> dirs = new TreeMap<>(dev.forge.core.model.Tree.NAME_ORDER);
            for (int i = 0; i < n; i++) {
                String path = r.string();
                long count = r.varint();
                long fp = r.u64();
                long size = r.varint();
                ObjectId tree = r.id();
                if (count > Integer.MAX_VALUE || fp < 0 || fp >= P) return empty();
                dirs.put(path, new Dir(fp, (int) count, tree, size));
            }
            r.expectEnd();
            return new TreeCache(point, dirs);
        } catch (MalformedObjectException | RuntimeException e) {
            return empty();
        }
    }

    // ---- fingerprints

    static long mulmod(long a, long b) {
        long lo = a * b;
        long hi = Math.multiplyHigh(a, b);
        long r = (lo & P) + ((lo >>> 61) | (hi << 3));
        r = (r & P) + (r >>> 61);
        return r >= P ? r - P : r;
    }

    static long pow(long base, long e) {
        long result = 1;
        long b = base;
        while (e > 0) {
            if ((e & 1) != 0) result = mulmod(result, b);
            b = mulmod(b, b);
            e >>>= 1;
        }
        return result;
    }

    /**
     * Prefix fingerprints of {@code entries} at {@code point}: {@code hash[i]} is the fingerprint of
     * entries [0, i) and {@code words[i]} its number of words, so that any contiguous run (every folder's
     * entries are one, in path order) has its fingerprint in a few multiplications ({@link #of}).
     *
     * <p>The words of one entry, each below P: the path's UTF-16 units packed seven to a word (8 bits
     * each) when all are below 256, else three to a word (16 bits each), then one word with the units left
     * (0 when none), then {@code 2^60 | 2^59 (when seven to a word) | path length}, {@code kind << 40 |
     * type << 32 | size >>> 32}, {@code size & 0xFFFFFFFF}, and the id as four 7-byte words and one 4-byte
     * word, all big-endian. A run's fingerprint is {@code sum of word[k] * point^(n-1-k) mod P}
     * over its n words.
     */
    static final class Prefix {
        final long point;
        final long[] hash;
        final long[] words;

        Prefix(long point, List<StageEntry> entries) {
            this.point = point;
            int n = entries.size();
            hash = new long[n + 1];
            words = new long[n + 1];
            byte[] id = new byte[ObjectId.LENGTH];
            long h = 0;
            long len = 0;
            for (int i = 0; i < n; i++) {
                StageEntry e = entries.get(i);
                h = entry(h, e, id);
                len += e.path().length() / (narrow(e.path()) ? 7 : 3) + 9;
                hash[i + 1] = h;
                words[i + 1] = len;
            }
        }

        private static boolean narrow(String path) {
            for (int k = 0; k < path.length(); k++) {
                if (path.charAt(k) >= 0x100) return false;
            }
            return true;
        }

        /**
         * {@code h} followed by the words of one entry. A method of its own (not the body of the loop in
         * the constructor) so that the JIT compiles it after a few hundred entries, where a loop run once
         * per process would wait for on-stack replacement and run its first tens of thousands of entries
         * interpreted.
         */
        private long entry(long h, StageEntry e, byte[] id) {
            String path = e.path();
            int pl = path.length();
            boolean narrow = narrow(path); // every unit below 256 (Latin-1): seven to a word, else three
            int per = narrow ? 7 : 3;
            int bits = narrow ? 8 : 16;
            int c = 0;
            for (; c + per <= pl; c += per) {
                long w = 0;
                for (int k = c; k < c + per; k++) w = w << bits | path.charAt(k);
                h = step(h, w);
            }
            long rest = 0;
            for (int k = c; k < pl; k++) rest = rest << bits | path.charAt(k);
            h = step(h, rest);
            // The packing and the path's length (above every packed word), so a path's words read one way.
            h = step(h, 1L << 60 | (narrow ? 1L << 59 : 0) | pl);
            var content = e.content();
            h = step(h, (long) e.kind().code() << 40 | (long) content.type().code() << 32 | content.size() >>> 32);
            h = step(h, content.size() & 0xFFFFFFFFL);
            content.id().copyTo(id, 0);
            h = step(h, bits56(id, 0));
            h = step(h, bits56(id, 7));
            h = step(h, bits56(id, 14));
            h = step(h, bits56(id, 21));
            return step(h, (id[28] & 0xFFL) << 24 | (id[29] & 0xFF) << 16 | (id[30] & 0xFF) << 8 | (id[31] & 0xFF));
        }

        private long step(long h, long word) {
            long r = mulmod(h, point) + word;
            return r >= P ? r - P : r;
        }

        /** The fingerprint of entries [lo, hi). */
        long of(int lo, int hi) {
            long shifted = mulmod(hash[lo], pow(point, words[hi] - words[lo]));
            long r = hash[hi] - shifted;
            return r < 0 ? r + P : r;
        }
    }

    /** Seven bytes from {@code off}, big-endian (below 2^56, so below P). */
    private static long bits56(byte[] b, int off) {
        long v = 0;
        for (int i = 0; i < 7; i++) v = v << 8 | (b[off + i] & 0xFF);
        return v;
    }
}
