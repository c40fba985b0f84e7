package dev.forge.core.port;

import dev.forge.core.model.ObjectId;

/**
 * The set of ids that garbage collection must keep. Compact: 16 bytes of each id in open-addressed
 * {@code long} arrays (about 32 bytes per live object at the worst load), not a HashSet of objects
 * (about 150). Two different ids would have to agree in 128 bits to be confused, and confusion could
 * only keep garbage, never drop live data: a false "contains" answers yes.
 */
public final class LiveSet {
    private long[] hi;
    private long[] lo;
    private int size;
    private int mask;

    public LiveSet(int expected) {
        int cap = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
        hi = new long[cap];
        lo = new long[cap];
        mask = cap - 1;
    }

    private static long word(byte[] b, int off) {
        long v = 0;
        for (int i = 0; i < 8; i++) v = v << 8 | (b[off + i] & 0xFFL);
        return v;
    }

    /** Adds {@code id}; false when it was already there. */
    public boolean add(ObjectId id) {
        byte[] b = id.toBytes();
        long h = word(b, 0);
        long l = word(b, 8);
        if (h == 0 && l == 0) l = 1; // (0, 0) marks an empty slot
        if (size * 2 >= hi.length) grow();
        return insert(h, l);
    }

    private boolean insert(long h, long l) {
        int i = (int) (h ^ (h >>> 32)) & mask;
        while (hi[i] != 0 || lo[i] != 0) {
            if (hi[i] == h && lo[i] == l) return false;
            i = (i + 1) & mask;
        }
        hi[i] = h;
        lo[i] = l;
        size++;
        return true;
    }

    public boolean contains(ObjectId id) {
        byte[] b = id.toBytes();
        long h = word(b, 0);
        long l = word(b, 8);
        if (h == 0 && l == 0) l = 1;
        int i = (int) (h ^ (h >>> 32)) & mask;
        while (hi[i] != 0 || lo[i] != 0) {
            if (hi[i] == h && lo[i] == l) return true;
            i = (i + 1) & mask;
        }
        return false;
    }

    private void grow() {
        long[] oh = hi;
        long[] ol = lo;
        hi = new long[oh.length * 2];
        lo = new long[ol.length * 2];
        mask = hi.length - 1;
        size = 0;
        for (int i = 0; i < oh.length; i++) {
            if (oh[i] != 0 || ol[i] != 0) insert(oh[i], ol[i]);
        }
    }

    public int size() {
        return size;
    }
}
