package dev.forge.core.chunk;

import java.util.Objects;

/**
 * FastCDC content-defined chunking, the 2020 variant (Xia et al., "The Design of Fast
 * Content-Defined Chunking for Data Deduplication Based Storage Systems", IEEE TPDS 2020) with
 * normalized chunking level 2. This is the scalar reference implementation: any faster chunker must
 * produce exactly the same cut points (see {@code fastcdc-golden.txt} in the tests).
 *
 * <p><b>Algorithm.</b> For a chunk starting at {@code off} with {@code len} bytes available:
 *
 * <ol>
 *   <li>if {@code len <= minSize} the rest is one chunk;
 *   <li>otherwise {@code end = min(len, maxSize)} and {@code normal = min(avgSize, end)};
 *   <li>cut-point skipping: the fingerprint starts at 0 at position {@code minSize}; the first
 *       {@code minSize} bytes are never hashed;
 *   <li>for each position {@code i} from {@code minSize}: {@code fp = (fp << 1) + GEAR[b[i]]}
 *       (64-bit, wrapping); while {@code i < normal} cut when {@code (fp & maskS) == 0}, after that
 *       when {@code (fp & maskL) == 0}; the chunk is then {@code i} bytes long (the byte that
 *       completed the fingerprint starts the next chunk, as in the paper's Algorithm 2);
 *   <li>no cut point before {@code end}: the chunk is {@code end} bytes long.
 * </ol>
 *
 * <p>So every chunk but the last of a stream is in {@code [minSize, maxSize]}, and a cut decision
 * reads only bytes {@code off+minSize .. off+end-1}.
 *
 * <p><b>Masks.</b> With {@code bits = log2(avgSize)}, {@code maskS} has {@code bits + 2} one-bits and
 * {@code maskL} {@code bits - 2} (normalization level 2). The one-bits are spread over the upper
 * word in a fixed pattern: every other bit downward from bit 63, i.e. bits 63, 61, 59, ... This
 * follows the paper's "padded mask" idea (zeros between the ones) without its hand-made table: a
 * gear-hash bit {@code j} depends on the last {@code j + 1} bytes, so high, spread-out bits give a
 * window of 30 to 64 bytes. For the default 64 KiB average: maskS = {@code 0xAAAAAAAAA0000000L}
 * (18 ones), maskL = {@code 0xAAAAAAA000000000L} (14 ones).
 *
 * <p><b>Gear table.</b> 256 64-bit values, the first 256 outputs of SplitMix64 (Steele, Lea and
 * Flood 2014; the {@code java.util.SplittableRandom} mixer) seeded with {@code 0x466F726765434443L}
 * (the ASCII bytes of "ForgeCDC"): {@code state += 0x9E3779B97F4A7C15L; z = state; z = (z ^ (z >>>
 * 30)) * 0xBF58476D1CE4E5B9L; z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL; GEAR[i] = z ^ (z >>>
 * 31)}. Changing the seed, the masks or the algorithm changes every chunk id ever computed.
 *
 * <p>With {@link ChunkerParams#DEFAULT} on random data the mean chunk is about 74 KiB (the skipped
 * 16 KiB minimum plus the normalized tail) and under 1% of cuts are forced at the maximum. Its
 * speed: docs/benchmarks.md, "Chunking (JMH)", {@code scalarReference}.
 *
 * <p>Thread-safe: immutable after construction.
 */
public final class FastCdc {
    /** "ForgeCDC" in ASCII. */
    public static final long GEAR_SEED = 0x466F726765434443L;

    private static final long[] GEAR = generateGear(GEAR_SEED);

    private final ChunkerParams params;
    private final int minSize;
    private final int avgSize;
    private final int maxSize;
    private final long maskS;
    private final long maskL;

    public FastCdc(ChunkerParams params) {
        this.params = Objects.requireNonNull(params, "params");
        this.minSize = params.minSize();
        this.avgSize = params.avgSize();
        this.maxSize = params.maxSize();
        int bits = params.avgBits();
        this.maskS = spreadMask(bits + ChunkerParams.NORMALIZATION_LEVEL);
        this.maskL = spreadMask(bits - ChunkerParams.NORMALIZATION_LEVEL);
    }

    /**
     * The length of the next chunk, which starts at {@code buf[off]}, given that {@code len} bytes
     * are available there. Pass {@code len >= maxSize} except at the end of the input, or the cut is
     * not the one the whole input would give.
     *
     * @return a length in {@code [1, len]}; in {@code [minSize, maxSize]} whenever {@code len >
     *     minSize}; {@code len} itself when {@code len <= minSize} (and 0 when {@code len == 0})
     */
    public int cut(byte[] buf, int off, int len) {
        Objects.checkFromIndexSize(off, len, buf.length);
        if (len <= minSize) {
            return len;
        }
        int end = Math.min(len, maxSize);
        int normal = Math.min(avgSize, end);
        // Locals so the JIT keeps them in registers and can drop the gear bounds check (index < 256).
        final long[] gear = GEAR;
        final long mS = maskS;
        final long mL = maskL;
        long fp = 0;
        int i = off + minSize;
        final int normalEnd = off + normal;
        final int stop = off + end;
        for (; i < normalEnd; i++) {
            fp = (fp << 1) + gear[buf[i] & 0xff];
            if ((fp & mS) == 0) {
                return i - off;
            }
        }
        for (; i < stop; i++) {
            fp = (fp << 1) + gear[buf[i] & 0xff];
            if ((fp & mL) == 0) {
                return i - off;
            }
        }
        return end;
    }

    public ChunkerParams params() {
        return params;
    }

    /** The strict mask, used before {@code avgSize}. */
    public long maskS() {
        return maskS;
    }

    /** The loose mask, used from {@code avgSize} on. */
    public long maskL() {
        return maskL;
    }

    /** A copy of the 256-entry gear table (see the class comment for how it is generated). */
    public static long[] gearTable() {
        return GEAR.clone();
    }

    /** The gear table itself, for the faster chunkers of this package, which must not write to it. */
    static long[] gear() {
        return GEAR;
    }

    /** {@code ones} one-bits at bits 63, 61, 59, ...; ones is at most 25 here (avg <= 8 MiB). */
    static long spreadMask(int ones) {
        if (ones < 1 || ones > 32) {
            throw new IllegalArgumentException("a spread mask has 1..32 one-bits, got " + ones);
        }
        long mask = 0;
        for (int k = 0; k < ones; k++) {
            mask |= 1L << (63 - 2 * k);
        }
        return mask;
    }

    static long[] generateGear(long seed) {
        long[] table = new long[256];
        long state = seed;
        for (int i = 0; i < table.length; i++) {
            state += 0x9E3779B97F4A7C15L;
            long z = state;
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            table[i] = z ^ (z >>> 31);
        }
        return table;
    }
}
