package dev.forge.core.chunk;

import java.util.Arrays;

/**
 * Stage 1 output of {@link CandidateChunker}: the positions, ascending, whose 64-byte window gear
 * hash passes the loose mask ({@code (h & maskL) == 0}), each flagged <em>strict</em> when it also
 * passes the strict mask ({@code (h & maskS) == 0}; maskL's one-bits are a subset of maskS's, so
 * every strict candidate is a loose one). On random data there is about one candidate per {@code
 * avgSize / 4} bytes, so a 32 MiB buffer holds about two thousand.
 *
 * <p>Reusable ({@link #clear}) and not thread-safe; the parallel stage 1 gives each segment its own
 * part and concatenates them in order.
 */
public final class Candidates {
    /** {@code v >= 0}: loose candidate at {@code v}; {@code v < 0}: strict candidate at {@code ~v}. */
    private int[] v = new int[256];

    private int size;
    /** Where the stage 2 walk left off: the first candidate not yet passed. */
    private int cursor;
    /** Per-segment parts of the parallel stage 1, kept for reuse. */
    private Candidates[] parts = new Candidates[0];

    public Candidates() {}

    public void clear() {
        size = 0;
        cursor = 0;
    }

    public int size() {
        return size;
    }

    /** The position of candidate {@code k}. */
    public int position(int k) {
        int x = v[checkIndex(k)];
        return x < 0 ? ~x : x;
    }

    /** Whether candidate {@code k} passes the strict mask too. */
    public boolean strict(int k) {
        return v[checkIndex(k)] < 0;
    }

    private int checkIndex(int k) {
        if (k < 0 || k >= size) throw new IndexOutOfBoundsException("candidate " + k + " of " + size);
        return k;
    }

    /** Appends a candidate; positions must be added in ascending order. */
    void add(int pos, boolean strict) {
        if (size == v.length) v = Arrays.copyOf(v, size * 2);
        v[size++] = strict ? ~pos : pos;
    }

    void addAll(Candidates other) {
        int n = other.size;
        if (size + n > v.length) v = Arrays.copyOf(v, Math.max(size + n, size * 2));
        System.arraycopy(other.v, 0, v, size, n);
        size += n;
    }

    /** Raw encoded value of candidate {@code k} (no bounds check beyond the array's). */
    int raw(int k) {
        return v[k];
    }

    /** A cleared part for segment {@code k} of a parallel stage 1. */
    Candidates part(int k) {
        if (k >= parts.length) parts = Arrays.copyOf(parts, k + 1);
        Candidates p = parts[k];
        if (p == null) parts[k] = p = new Candidates();
        p.clear();
        return p;
    }

    /** Part {@code k} as filled since {@link #part} handed it out. */
    Candidates existingPart(int k) {
        return parts[k];
    }

    /** The index of the first candidate at or after {@code pos}, moving the walk cursor there. */
    int seek(int pos) {
        int k = cursor;
        if (k > size || (k > 0 && decode(v[k - 1]) >= pos)) {
            // The walk went backwards (or the list changed): binary search from the start.
            int lo = 0;
            int hi = size;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (decode(v[mid]) < pos) lo = mid + 1;
                else hi = mid;
            }
            k = lo;
        } else {
            while (k < size && decode(v[k]) < pos) k++;
        }
        cursor = k;
        return k;
    }

    static int decode(int x) {
        return x < 0 ? ~x : x;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Candidates[");
        for (int k = 0; k < size; k++) {
            if (k > 0) sb.append(", ");
            sb.append(position(k));
            if (strict(k)) sb.append('s');
        }
        return sb.append(']').toString();
    }
}
