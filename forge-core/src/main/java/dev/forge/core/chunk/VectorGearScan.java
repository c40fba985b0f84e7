package dev.forge.core.chunk;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Panama Vector API form of {@link GearScan}: each lane of a {@link LongVector} (8 lanes with
 * AVX-512) runs the gear recurrence over its own contiguous block of positions, after a 64-byte
 * warm-up on the bytes before the block, so the lanes never depend on each other. Per step every
 * lane's next byte is turned into a gear-table index and the 8 gear values are fetched with one
 * gather ({@code LongVector.fromArray} with an index map); a lane-wise shift, add and mask compare
 * follow. The bytes come 8 at a time per lane (one little-endian long load each) and are peeled off
 * with shifts.
 *
 * <p>Only loaded when the {@code jdk.incubator.vector} module is in the boot layer (see {@link
 * CandidateChunker#vectorAvailable}); referencing it otherwise would fail with
 * NoClassDefFoundError.
 */
final class VectorGearScan extends GearScan {
    private static final VectorSpecies<Long> LS = LongVector.SPECIES_PREFERRED;
    /** Ints with the same lane count as {@link #LS}: the gather's index vector. */
    private static final VectorSpecies<Integer> IS =
            VectorSpecies.of(int.class, VectorShape.forBitSize(LS.vectorBitSize() / 2));

    private static final int LANES = LS.length();
    private static final VarHandle LE_LONG =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    /** Positions per lane in one firstHit tile. */
    private static final int FIRST_HIT_LANE = 1024;

    private final GearScan scalar = new GearScan.Plain();

    /** Whether this form can run here: at least 4 long lanes (AVX2 or better). */
    static boolean usable() {
        return LANES >= 4 && IS.length() == LANES;
    }

    @Override
    int firstHit(byte[] b, int from, int to, long fp, long m) {
        // The windows of [from, to) are exact once from - 63 is taken as the start of hashing (the
        // caller's fingerprint covers bytes from there on), so the vector stage 1 can run in tiles.
        int lo = from - 63;
        Candidates tile = new Candidates();
        int tileSize = LANES * FIRST_HIT_LANE;
        for (int x = from; x < to; x += tileSize) {
            int e = (int) Math.min(to, (long) x + tileSize);
            tile.clear();
            candidates(b, x, e, lo, m, m, tile);
            if (tile.size() > 0) return tile.position(0);
        }
        return -1;
    }

    @Override
    void candidates(byte[] b, int from, int to, int lo, long mL, long mS, Candidates out) {
        // Lanes warm up on the 64 bytes before their block, which must not reach below lo.
        int start = Math.max(from, lo + 64);
        if (start > from) {
            scalar.candidates(b, from, Math.min(start, to), lo, mL, mS, out);
        }
        if (start >= to) return;
        int len = ((to - start) / LANES) & ~7;
        if (len < 256) {
            scalar.candidates(b, start, to, lo, mL, mS, out);
            return;
        }
        int[] starts = new int[LANES];
        for (int j = 0; j < LANES; j++) starts[j] = start + j * len;
        long[] words = new long[LANES];
        int[] idx = new int[LANES];
        Candidates[] lanes = null;
        final long[] g = G;
        LongVector h = LongVector.zero(LS);
        LongVector mask = LongVector.broadcast(LS, mL);
        for (int t = -64; t < len; t += 8) {
            for (int j = 0; j < LANES; j++) words[j] = (long) LE_LONG.get(b, starts[j] + t);
            LongVector w = LongVector.fromArray(LS, words, 0);
            for (int k = 0; k < 8; k++) {
                ((IntVector) w.lanewise(VectorOperators.LSHR, 8 * k)
                                .and(0xFFL)
                                .convertShape(VectorOperators.L2I, IS, 0))
                        .intoArray(idx, 0);
                h = h.lanewise(VectorOperators.LSHL, 1).add(LongVector.fromArray(LS, g, 0, idx, 0));
                VectorMask<Long> hit = h.and(mask).compare(VectorOperators.EQ, 0L);
                if (hit.anyTrue() && t >= 0) {
                    if (lanes == null) lanes = new Candidates[LANES];
                    for (int j = 0; j < LANES; j++) {
                        if (hit.laneIsSet(j)) {
                            if (lanes[j] == null) lanes[j] = new Candidates();
                            lanes[j].add(starts[j] + t + k, (h.lane(j) & mS) == 0);
                        }
                    }
                }
            }
        }
        if (lanes != null) {
            for (Candidates c : lanes) if (c != null) out.addAll(c);
        }
        int done = start + LANES * len;
        if (done < to) scalar.candidates(b, done, to, lo, mL, mS, out);
    }
}
