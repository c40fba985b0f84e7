package dev.forge.mirror.video;

/**
 * Arithmetic in GF(2^8) with the polynomial x^8 + x^4 + x^3 + x^2 + 1 (0x11d) and generator 2, the field of
 * {@link ReedSolomon} and {@link CauchyCode}. Tables are built once; {@link #mul} is one table look-up.
 */
final class Gf256 {
    private Gf256() {}

    static final int[] EXP = new int[512];
    static final int[] LOG = new int[256];
    private static final byte[] MUL = new byte[256 * 256];

    static {
        int x = 1;
        for (int i = 0; i < 255; i++) {
            EXP[i] = x;
            LOG[x] = i;
            x <<= 1;
            if ((x & 0x100) != 0) x ^= 0x11d;
        }
        for (int i = 255; i < 512; i++) EXP[i] = EXP[i - 255];
        for (int a = 1; a < 256; a++) for (int b = 1; b < 256; b++) MUL[(a << 8) | b] = (byte) EXP[LOG[a] + LOG[b]];
    }

    static int mul(int a, int b) {
        return MUL[(a << 8) | b] & 0xff;
    }

    /** The 256 products {@code a * b} for all b, as a row of the multiplication table (for loops over bytes). */
    static int rowOffset(int a) {
        return a << 8;
    }

    static int mulRow(int rowOffset, int b) {
        return MUL[rowOffset | b] & 0xff;
    }

    static int div(int a, int b) {
        if (b == 0) throw new ArithmeticException("division by zero in GF(256)");
        if (a == 0) return 0;
        return EXP[LOG[a] + 255 - LOG[b]];
    }

    static int inv(int a) {
        return div(1, a);
    }

    /** alpha^e for any e >= 0. */
    static int pow2(int e) {
        return EXP[e % 255];
    }
}
