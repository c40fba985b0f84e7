package dev.forge.storage;

import dev.forge.core.error.IntegrityException;
import dev.forge.core.model.FileKind;
import dev.forge.core.model.MalformedObjectException;
import dev.forge.core.port.StageEntry;
import dev.forge.core.port.StageView;
import dev.forge.core.port.StatEntry;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A {@link StageView} over the bytes of a {@link StageFile}: two open-addressing tables of entry
 * indexes (stage, stat), keyed by the hash {@link String#hashCode} gives the path, so a path the
 * scan found is looked up by the hash its String already caches, and the stat fields and content are
 * compared where they lie (the entry formats of {@link IndexCodec}). Nothing is decoded into objects
 * but the entries a caller asks for.
 */
final class StageFileView implements StageView {
    private final byte[] a;
    private final int[] stageAt;
    private final int[] statAt;
    private final long digest;
    private final int[] stageHash;
    private final int[] statHash;
    /** Entry index + 1 per slot, 0 for an empty slot; the length is a power of two. */
    private final int[] stageTable;

    private final int[] statTable;

    StageFileView(byte[] bytes, int[] stageAt, int[] statAt, long digest) {
        this.a = bytes;
        this.stageAt = stageAt;
        this.statAt = statAt;
        this.digest = digest;
        this.stageHash = new int[stageAt.length];
        this.statHash = new int[statAt.length];
        this.stageTable = table(stageAt, stageHash);
        this.statTable = table(statAt, statHash);
    }

    private int[] table(int[] at, int[] hashes) {
        int[] t = new int[Math.max(16, Integer.highestOneBit(Math.max(1, at.length)) << 2)];
        int mask = t.length - 1;
        for (int i = 0; i < at.length; i++) {
            int h = keyHash(at[i]);
            hashes[i] = h;
            int slot = spread(h) & mask;
            while (t[slot] != 0) slot = (slot + 1) & mask;
            t[slot] = i + 1;
        }
        return t;
    }

    private static int spread(int h) {
        return h ^ (h >>> 16);
    }

    private int keyLength(int off) {
        return (a[off] & 0xFF) << 8 | (a[off + 1] & 0xFF);
    }

    /** {@code String.hashCode()} of the entry's path: computed on the bytes while they are ASCII. */
    private int keyHash(int off) {
        int n = keyLength(off);
        int h = 0;
        for (int i = off + 2, end = off + 2 + n; i < end; i++) {
            byte b = a[i];
            if (b < 0) return new String(a, off + 2, n, StandardCharsets.UTF_8).hashCode();
            h = 31 * h + b;
        }
        return h;
    }

    private boolean keyEquals(int off, String path) {
        int n = keyLength(off);
        if (n == path.length()) {
            for (int i = 0; i < n; i++) {
                char c = path.charAt(i);
                // a char above ASCII is two or more bytes: then the key (n bytes) cannot be this path
                if (c >= 0x80 || c != (a[off + 2 + i] & 0xFF)) return false;
            }
            return true;
        }
        byte[] p = path.getBytes(StandardCharsets.UTF_8);
        return Arrays.equals(a, off + 2, off + 2 + n, p, 0, p.length);
    }

    @Override
    public int size() {
        return stageAt.length;
    }

    @Override
    public long digest() {
        return digest;
    }

    @Override
    public int find(String path) {
        int h = path.hashCode();
        int mask = stageTable.length - 1;
        for (int slot = spread(h) & mask; ; slot = (slot + 1) & mask) {
            int i = stageTable[slot] - 1;
            if (i < 0) return -1;
            if (stageHash[i] == h && keyEquals(stageAt[i], path)) return i;
        }
    }

    /** The stat entry with the path of stage entry {@code index}, or -1. */
    private int statOf(int index) {
        int h = stageHash[index];
        int off = stageAt[index];
        int n = keyLength(off);
        int mask = statTable.length - 1;
        for (int slot = spread(h) & mask; ; slot = (slot + 1) & mask) {
            int s = statTable[slot] - 1;
            if (s < 0) return -1;
            int so = statAt[s];
            if (statHash[s] == h && keyLength(so) == n && Arrays.equals(a, off + 2, off + 2 + n, a, so + 2, so + 2 + n))
                return s;
        }
    }

    private String path(int off) {
        return new String(a, off + 2, keyLength(off), StandardCharsets.UTF_8);
    }

    /** Offset of the value of the entry at {@code off}: after its key, at its u16 length. */
    private int valueAt(int off) {
        return off + 2 + keyLength(off);
    }

    private byte[] value(int off) {
        int v = valueAt(off);
        return Arrays.copyOfRange(a, v + 2, v + 2 + keyLength(v));
    }

    @Override
    public StageEntry entry(int index) {
        int off = stageAt[index];
        return IndexCodec.decodeStage(path(off), value(off));
    }

    /** The first byte of the stage value at {@code index}, after checking the entry's version. */
    private int stageValue(int index) {
        int v = valueAt(stageAt[index]) + 2;
        if (a[v] != IndexCodec.VERSION) entry(index); // throws, naming the entry
        return v;
    }

    @Override
    public FileKind kind(int index) {
        int v = stageValue(index);
        try {
            return FileKind.fromCode(a[v + 1] & 0xFF);
        } catch (MalformedObjectException e) {
            throw new IntegrityException(
                    "stage entry for '" + path(stageAt[index]) + "' is damaged: " + e.getMessage());
        }
    }

    @Override
    public long contentSize(int index) {
        // version, kind, content type, then the size
        return varint(stageValue(index) + 3);
    }

    private long varint(int at) {
        long v = 0;
        for (int shift = 0; ; shift += 7, at++) {
            byte b = a[at];
            v |= (long) (b & 0x7F) << shift;
            if (b >= 0) return v;
        }
    }

    private int varintEnd(int at) {
        while (a[at] < 0) at++;
        return at + 1;
    }

    private long u64(int at) {
        long v = 0;
        for (int i = 0; i < 8; i++) v = v << 8 | (a[at + i] & 0xFF);
        return v;
    }

    @Override
    public int compareStat(int index, long size, long mtimeNanos, long inode) {
        int s = statOf(index);
        if (s < 0) return STAT_DIFFERS;
        int sv = valueAt(statAt[s]);
        int svEnd = sv + 2 + keyLength(sv);
        sv += 2;
        if (a[sv] != IndexCodec.VERSION) {
            StatEntry e = IndexCodec.decodeStat(path(statAt[s]), value(statAt[s])); // throws, naming it
            return StageView.of(java.util.List.of(entry(index)), java.util.Map.of(path(statAt[s]), e), digest)
                    .compareStat(0, size, mtimeNanos, inode);
        }
        if (varint(sv + 1) != size) return STAT_DIFFERS;
        int t = varintEnd(sv + 1);
        if (u64(t) != mtimeNanos || u64(t + 8) != inode) return STAT_DIFFERS;
        // The rest of the stat value is its content (type, size, id), encoded as the stage value's rest.
        int statContent = t + 16;
        int v = stageValue(index);
        int vEnd = valueAt(stageAt[index]) + 2 + keyLength(valueAt(stageAt[index]));
        return Arrays.equals(a, statContent, svEnd, a, v + 2, vEnd) ? STAT_SAME_CONTENT : STAT_OTHER_CONTENT;
    }
}
