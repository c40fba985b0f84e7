package dev.forge.core.chunk;

/**
 * The inner loops of {@link CandidateChunker}: the gear hash {@code fp = (fp << 1) + GEAR[b]} run over
 * a range of positions, in several forms that give identical results (see {@link
 * CandidateChunker.Form} for which is fastest and why).
 *
 * <p>Two operations:
 *
 * <ul>
 *   <li>{@link #firstHit}: the first position {@code i} in {@code [from, to)} whose fingerprint
 *       passes a mask, continuing from the fingerprint {@code fp} of position {@code from - 1}
 *       (exactly FastCDC's loop). Forms that split the range re-derive a fingerprint from the 64
 *       bytes before a split point inside the range, which is exact because a fingerprint at {@code
 *       i} only depends on bytes {@code i-63 .. i} once 64 bytes went in (older terms are shifted
 *       out of the 64 bits); the vector form takes {@code from - 63 .. from - 1} as hashed bytes, so
 *       {@code from} must be at least 63 bytes into the chunk's hashed region (as in {@link
 *       CandidateChunker#cut(byte[], int, int)}).
 *   <li>{@link #candidates}: every position in {@code [from, to)} whose 64-byte window hash passes
 *       the loose mask, flagged when it passes the strict one too. The window of position {@code i}
 *       is bytes {@code max(lo, i-63) .. i}; positions below {@code lo + 63} get a partial window,
 *       which is only right if {@code lo} is where a chunk's hashing starts (stage 2 never asks for
 *       them).
 * </ul>
 */
abstract class GearScan {
    static final long[] G = FastCdc.gear();

    /** The first i in [from, to) with ((fp_i & m) == 0), or -1. */
    abstract int firstHit(byte[] b, int from, int to, long fp, long m);

    /**
     * Appends the loose candidates of [from, to) to out, in order. Here: repeated {@link #firstHit}
     * searches for the loose mask, restarting after each hit (hits are about {@code avgSize / 4}
     * apart on random data). The search loops are the ones that compile well; loops that record a
     * hit and carry on ran markedly slower in measurements. A restart costs a 64-byte warm-up (and,
     * for {@link Interleaved}, chain B's work in the tile where chain A hit); after a hit the next 256
     * positions are scanned one by one, so that input with dense hits (runs whose hash passes the
     * mask) costs at most a quarter more, not 64 times more.
     */
    void candidates(byte[] b, int from, int to, int lo, long mL, long mS, Candidates out) {
        long fp = warm(b, from, lo);
        int x = from;
        while (x < to) {
            int r = firstHit(b, x, to, fp, mL);
            if (r < 0) return;
            // The fingerprint at r again: its window, or the partial one below lo + 63.
            fp = roll(b, Math.max(lo, r - 63), r + 1, 0);
            out.add(r, (fp & mS) == 0);
            int e = (int) Math.min(to, r + 1L + DENSE_SCAN);
            fp = Plain.scan(b, r + 1, e, fp, mL, mS, out);
            x = e;
        }
    }

    /** Positions scanned one by one after a hit. */
    static final int DENSE_SCAN = 256;

    /** Records a candidate (kept out of line: the loops stay small). */
    static void hit(Candidates out, int pos, long fp, long mS) {
        out.add(pos, (fp & mS) == 0);
    }

    /** The fingerprint after hashing {@code b[from, to)} onto {@code fp}. */
    static long roll(byte[] b, int from, int to, long fp) {
        final long[] g = G;
        for (int i = from; i < to; i++) fp = (fp << 1) + g[b[i] & 0xff];
        return fp;
    }

    /** The window hash of position {@code at - 1}: bytes {@code max(lo, at-64) .. at-1}. */
    static long warm(byte[] b, int at, int lo) {
        return roll(b, Math.max(lo, at - 64), at, 0);
    }

    // ---------------------------------------------------------------------------------------------

    /** One chain, one byte per iteration: FastCdc's loop. */
    static final class Plain extends GearScan {
        @Override
        int firstHit(byte[] b, int from, int to, long fp, long m) {
            final long[] g = G;
            for (int i = from; i < to; i++) {
                fp = (fp << 1) + g[b[i] & 0xff];
                if ((fp & m) == 0) return i;
            }
            return -1;
        }

        /** Appends every hit of [from, to) one position at a time; returns the last fingerprint. */
        static long scan(byte[] b, int from, int to, long fp, long mL, long mS, Candidates out) {
            final long[] g = G;
            for (int i = from; i < to; i++) {
                fp = (fp << 1) + g[b[i] & 0xff];
                if ((fp & mL) == 0) hit(out, i, fp, mS);
            }
            return fp;
        }
    }

    /** One chain unrolled four times (the form Bazel's Java chunker settled on). */
    static final class Unrolled extends GearScan {
        @Override
        int firstHit(byte[] b, int from, int to, long fp, long m) {
            final long[] g = G;
            int i = from;
            for (; i + 3 < to; i += 4) {
                long f0 = (fp << 1) + g[b[i] & 0xff];
                long f1 = (f0 << 1) + g[b[i + 1] & 0xff];
                long f2 = (f1 << 1) + g[b[i + 2] & 0xff];
                long f3 = (f2 << 1) + g[b[i + 3] & 0xff];
                if ((f0 & m) == 0) return i;
                if ((f1 & m) == 0) return i + 1;
                if ((f2 & m) == 0) return i + 2;
                if ((f3 & m) == 0) return i + 3;
                fp = f3;
            }
            for (; i < to; i++) {
                fp = (fp << 1) + g[b[i] & 0xff];
                if ((fp & m) == 0) return i;
            }
            return -1;
        }
    }

    /**
     * The FastCDC 2020 paper's "rolling two bytes each time": one shift by 2 per two bytes, with the
     * first byte's gear value pre-shifted ({@code GEAR_LS}). The paper tests the in-between
     * fingerprint with {@code mask << 1}, which cannot see the mask's bit 63; here that test is only a
     * filter (it passes whenever the true one does) and a pass is confirmed exactly, so the result is
     * FastCdc's.
     */
    static final class TwoByte extends GearScan {
        private static final long[] GLS = new long[256];

        static {
            for (int i = 0; i < 256; i++) GLS[i] = G[i] << 1;
        }

        @Override
        int firstHit(byte[] b, int from, int to, long fp, long m) {
            final long[] g = G;
            final long[] gl = GLS;
            final long m1 = m << 1;
            int i = from;
            for (; i + 1 < to; i += 2) {
                long prev = fp;
                int x = b[i] & 0xff;
                fp = (fp << 2) + gl[x]; // = fp_i << 1
                if ((fp & m1) == 0 && (((prev << 1) + g[x]) & m) == 0) return i;
                fp += g[b[i + 1] & 0xff]; // = fp_{i+1}
                if ((fp & m) == 0) return i + 1;
            }
            if (i < to) {
                fp = (fp << 1) + g[b[i] & 0xff];
                if ((fp & m) == 0) return i;
            }
            return -1;
        }
    }

    /**
     * Two independent chains in one loop. The gear recurrence is one shift and one add per byte, each
     * waiting for the previous byte's result, so a single chain runs at the latency of those two
     * instructions (about 2 cycles a byte); two chains over two halves of the range overlap and run at
     * the throughput of the four or so instructions a byte needs instead.
     *
     * <p>{@code firstHit} goes tile by tile: chain A continues FastCDC's fingerprint over the first
     * half of a tile while chain B, warmed up on the 64 bytes before the second half, runs over the
     * second half. A hit of A is the answer; otherwise the first hit of B; otherwise B's fingerprint
     * carries on as A's in the next tile. The cost over FastCdc is the warm-up (64 bytes a tile) and,
     * in the tile holding the cut, chain B's work past it.
     */
    static final class Interleaved extends GearScan {
        /** Positions per chain per tile: the warm-up costs 64 / 4096 = 1.6%. */
        static final int TILE = 2048;

        @Override
        int firstHit(byte[] b, int from, int to, long fp, long m) {
            return search(b, from, to, fp, m);
        }

        /**
         * The tile loop of {@link #firstHit}, kept above C2's {@code FreqInlineSize} (325 bytes of
         * bytecode; hence the two-way unrolled loops) so that C2 compiles it on its own rather than
         * inlined into its callers: inlined into {@link CandidateChunker#cut(byte[], int, int)}, the
         * one-step version of this loop ran about 1.5 times slower in back-to-back runs than with
         * {@code -XX:CompileCommand=dontinline} on it (JDK 25).
         */
        static int search(byte[] b, int from, int to, long fp, long m) {
            final long[] g = G;
            int x = from;
            while (to - x >= 256) {
                int t = Math.min(TILE, (to - x) >>> 1) & ~1;
                int mid = x + t;
                long fb = roll(b, mid - 64, mid, 0);
                int hitB = -1;
                // Two positions of each chain per iteration (t is even).
                for (int i = x, j = mid; i < mid; i += 2, j += 2) {
                    fp = (fp << 1) + g[b[i] & 0xff];
                    fb = (fb << 1) + g[b[j] & 0xff];
                    if ((fp & m) == 0) return i;
                    if ((fb & m) == 0 && hitB < 0) hitB = j;
                    fp = (fp << 1) + g[b[i + 1] & 0xff];
                    fb = (fb << 1) + g[b[j + 1] & 0xff];
                    if ((fp & m) == 0) return i + 1;
                    if ((fb & m) == 0 && hitB < 0) hitB = j + 1;
                }
                if (hitB >= 0) return hitB;
                fp = fb;
                x = mid + t;
            }
            int i = x;
            for (; i + 1 < to; i += 2) {
                fp = (fp << 1) + g[b[i] & 0xff];
                if ((fp & m) == 0) return i;
                fp = (fp << 1) + g[b[i + 1] & 0xff];
                if ((fp & m) == 0) return i + 1;
            }
            if (i < to) {
                fp = (fp << 1) + g[b[i] & 0xff];
                if ((fp & m) == 0) return i;
            }
            return -1;
        }
    }
}
