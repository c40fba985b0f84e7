package dev.forge.core.chunk;

/** Deterministic test input: the SplitMix64 sequence, the same generator as the gear table. */
final class SplitMix64 {
    private long state;

    SplitMix64(long seed) {
        this.state = seed;
    }

    long next() {
        state += 0x9E3779B97F4A7C15L;
        long z = state;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** {@code n} bytes (n a multiple of 8): each output as 8 little-endian bytes. */
    static byte[] bytes(long seed, int n) {
        if (n % 8 != 0) throw new IllegalArgumentException("n must be a multiple of 8, got " + n);
        SplitMix64 g = new SplitMix64(seed);
        byte[] out = new byte[n];
        for (int i = 0; i < n; i += 8) {
            long v = g.next();
            for (int k = 0; k < 8; k++) out[i + k] = (byte) (v >>> (8 * k));
        }
        return out;
    }
}
