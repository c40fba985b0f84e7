package dev.forge.mirror.video;

/**
 * A systematic Reed-Solomon code over GF(256) with {@code nsym} parity bytes per codeword of at most 255
 * bytes, decoding errors and erasures (Berlekamp-Massey, Chien search, Forney), so a codeword with
 * {@code 2 * errors + erasures <= nsym} is corrected.
 *
 * <p>Hand-written rather than a library: neither ZXing (com.google.zxing:core, whose decoder corrects
 * errors but takes no erasures) nor Backblaze's JavaReedSolomon (erasures only) is in the list of Maven
 * artifacts this build may resolve (maven-partial.tsv, checked 2026-12-07), and the code is small and
 * pinned by tests (ReedSolomonTest).
 * The generator's roots are alpha^0 .. alpha^(nsym-1); byte i of a codeword of length n is the
 * coefficient of x^(n-1-i).
 */
public final class ReedSolomon {
    private final int nsym;
    /** The generator polynomial, highest degree first, gen[0] = 1. */
    private final int[] gen;

    public ReedSolomon(int nsym) {
        if (nsym < 1 || nsym > 254) throw new IllegalArgumentException("parity bytes must be 1..254: " + nsym);
        this.nsym = nsym;
        int[] g = {1};
        for (int i = 0; i < nsym; i++) {
            int root = Gf256.pow2(i);
            int[] next = new int[g.length + 1];
            for (int j = 0; j < g.length; j++) {
                next[j] ^= g[j];
                next[j + 1] ^= Gf256.mul(g[j], root);
            }
            g = next;
        }
        this.gen = g;
    }

    public int parityBytes() {
        return nsym;
    }

    /**
     * Computes the parity of {@code data[off .. off+k)} into {@code parity[poff .. poff+nsym)}; the codeword
     * is the data followed by the parity.
     */
    public void encode(byte[] data, int off, int k, byte[] parity, int poff) {
        if (k + nsym > 255) throw new IllegalArgumentException("codeword longer than 255 bytes: " + (k + nsym));
        int[] rem = new int[nsym];
        for (int i = 0; i < k; i++) {
            int fb = (data[off + i] & 0xff) ^ rem[0];
            System.arraycopy(rem, 1, rem, 0, nsym - 1);
            rem[nsym - 1] = 0;
            if (fb != 0) {
                int row = Gf256.rowOffset(fb);
                for (int j = 0; j < nsym; j++) rem[j] ^= Gf256.mulRow(row, gen[j + 1]);
            }
        }
        for (int j = 0; j < nsym; j++) parity[poff + j] = (byte) rem[j];
    }

    /**
     * Corrects the codeword {@code cw} (length n <= 255, parity last) in place. {@code erasures} are
     * positions known to be unreliable (may be empty). Returns the number of bytes changed, or -1 when the
     * codeword cannot be corrected (it is then left as it was).
     */
    public int decode(int[] cw, int[] erasures) {
        int n = cw.length;
        if (n > 255 || n <= nsym) throw new IllegalArgumentException("bad codeword length " + n);
        int[] synd = new int[nsym];
        boolean clean = true;
        for (int j = 0; j < nsym; j++) {
            int x = Gf256.pow2(j);
            int s = 0;
            for (int i = 0; i < n; i++) s = (s == 0 ? 0 : Gf256.mul(s, x)) ^ cw[i];
            synd[j] = s;
            if (s != 0) clean = false;
        }
        if (clean) return 0;
        int e = erasures.length;
        if (e > nsym) return -1;
        // Erasure locator Gamma(x) = prod (1 - X_i x), lowest degree first.
        int[] lambda = new int[nsym + 1];
        lambda[0] = 1;
        for (int pos : erasures) {
            int xi = Gf256.pow2(n - 1 - pos);
            for (int j = nsym; j > 0; j--) lambda[j] ^= Gf256.mul(lambda[j - 1], xi);
        }
        int[] b = lambda.clone();
        int l = e;
        for (int r = e + 1; r <= nsym; r++) {
            int delta = 0;
            for (int j = 0; j <= l && j <= r - 1; j++) delta ^= Gf256.mul(lambda[j], synd[r - 1 - j]);
            // b <- x * b
            int[] xb = new int[nsym + 1];
            System.arraycopy(b, 0, xb, 1, nsym);
            if (delta == 0) {
                b = xb;
                continue;
            }
            int[] t = lambda.clone();
            for (int j = 0; j <= nsym; j++) t[j] ^= Gf256.mul(delta, xb[j]);
            if (2 * l <= r + e - 1) {
                int dinv = Gf256.inv(delta);
                int[] nb = new int[nsym + 1];
                for (int j = 0; j <= nsym; j++) nb[j] = Gf256.mul(lambda[j], dinv);
                b = nb;
                l = r + e - l;
            } else {
                b = xb;
            }
            lambda = t;
        }
        int deg = nsym;
        while (deg > 0 && lambda[deg] == 0) deg--;
        if (deg != l || 2 * (l - e) + e > nsym) return -1;
        // Chien search over the n positions.
        int[] positions = new int[deg];
        int found = 0;
        for (int i = 0; i < n; i++) {
            int xinv = Gf256.pow2(255 - (n - 1 - i) % 255);
            if (eval(lambda, deg, xinv) == 0) {
                if (found == deg) return -1;
                positions[found++] = i;
            }
        }
        if (found != deg) return -1;
        // Omega(x) = S(x) * Lambda(x) mod x^nsym
        int[] omega = new int[nsym];
        for (int i = 0; i < nsym; i++) {
            int acc = 0;
            for (int j = 0; j <= Math.min(i, deg); j++) acc ^= Gf256.mul(synd[i - j], lambda[j]);
            omega[i] = acc;
        }
        int[] fixed = cw.clone();
        int changed = 0;
        for (int k = 0; k < found; k++) {
            int pos = positions[k];
            int x = Gf256.pow2(n - 1 - pos);
            int xinv = Gf256.inv(x);
            int denom = 0;
            for (int j = 1; j <= deg; j += 2) denom ^= Gf256.mul(lambda[j], powOf(xinv, j - 1));
            if (denom == 0) return -1;
            int value = Gf256.mul(x, Gf256.div(eval(omega, nsym - 1, xinv), denom));
            if (value != 0) changed++;
            fixed[pos] ^= value;
        }
        // A consistent codeword, or nothing: guards against a miscorrection that the locator let through.
        for (int j = 0; j < nsym; j++) {
            int x = Gf256.pow2(j);
            int s = 0;
            for (int i = 0; i < n; i++) s = (s == 0 ? 0 : Gf256.mul(s, x)) ^ fixed[i];
            if (s != 0) return -1;
        }
        System.arraycopy(fixed, 0, cw, 0, n);
        return changed;
    }

    private static int eval(int[] poly, int deg, int x) {
        int acc = 0;
        for (int j = deg; j >= 0; j--) acc = (acc == 0 ? 0 : Gf256.mul(acc, x)) ^ poly[j];
        return acc;
    }

    private static int powOf(int x, int e) {
        if (e == 0) return 1;
        if (x == 0) return 0;
        return Gf256.pow2(Gf256.LOG[x] * e);
    }
}
