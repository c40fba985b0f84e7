package dev.forge.mirror.video;

import java.util.Arrays;

/**
 * The cross-frame erasure code: {@code data} equal-length shards (frames' blocks) and {@code parity}
 * shards, each parity byte a Cauchy-matrix combination over GF(256) of the data bytes at the same offset.
 * Any {@code data} of the {@code data + parity} shards give back all data shards (every square submatrix of
 * a Cauchy matrix is invertible), so up to {@code parity} lost frames of a group are rebuilt. Erasures only:
 * a frame whose checksum fails is treated as lost. Hand-written for the same reason as {@link ReedSolomon}.
 */
public final class CauchyCode {
    private final int data;
    private final int parity;
    private final int[][] matrix;

    public CauchyCode(int data, int parity) {
        if (data < 1 || parity < 0 || data + parity > 256)
            throw new IllegalArgumentException("bad shard counts " + data + "+" + parity);
        this.data = data;
        this.parity = parity;
        matrix = new int[parity][data];
        for (int i = 0; i < parity; i++) for (int j = 0; j < data; j++) matrix[i][j] = Gf256.inv((data + i) ^ j);
    }

    /** Fills {@code out[i]} (parity shard i) from the data shards, all of the same length. */
    public void encode(byte[][] dataShards, byte[][] out) {
        int len = dataShards[0].length;
        for (int i = 0; i < parity; i++) {
            byte[] p = out[i];
            Arrays.fill(p, (byte) 0);
            for (int j = 0; j < data; j++) addScaled(p, dataShards[j], matrix[i][j], len);
        }
    }

    /**
     * Rebuilds the missing data shards in place. {@code shards} has data + parity entries (null = lost).
     * Returns the number of data shards rebuilt, or -1 when fewer than {@code data} shards are present.
     */
    public int reconstruct(byte[][] shards, int len) {
        int missing = 0;
        for (int j = 0; j < data; j++) if (shards[j] == null) missing++;
        if (missing == 0) return 0;
        int[] rows = new int[data];
        int n = 0;
        for (int s = 0; s < data + parity && n < data; s++) if (shards[s] != null) rows[n++] = s;
        if (n < data) return -1;
        int[][] m = new int[data][];
        for (int r = 0; r < data; r++) {
            int s = rows[r];
            if (s < data) {
                m[r] = new int[data];
                m[r][s] = 1;
            } else {
                m[r] = matrix[s - data].clone();
            }
        }
        int[][] inv = invert(m);
        for (int j = 0; j < data; j++) {
            if (shards[j] != null) continue;
            byte[] out = new byte[len];
            for (int r = 0; r < data; r++) addScaled(out, shards[rows[r]], inv[j][r], len);
            shards[j] = out;
        }
        return missing;
    }

    private static void addScaled(byte[] acc, byte[] src, int coef, int len) {
        if (coef == 0) return;
        int row = Gf256.rowOffset(coef);
        for (int k = 0; k < len; k++) acc[k] ^= (byte) Gf256.mulRow(row, src[k] & 0xff);
    }

    private static int[][] invert(int[][] a) {
        int n = a.length;
        int[][] m = new int[n][];
        int[][] inv = new int[n][n];
        for (int i = 0; i < n; i++) {
            m[i] = a[i].clone();
            inv[i][i] = 1;
        }
        for (int c = 0; c < n; c++) {
            int p = c;
            while (p < n && m[p][c] == 0) p++;
            if (p == n) throw new IllegalStateException("singular Cauchy submatrix");
            int[] t = m[p];
            m[p] = m[c];
            m[c] = t;
            t = inv[p];
            inv[p] = inv[c];
            inv[c] = t;
            int f = Gf256.inv(m[c][c]);
            for (int k = 0; k < n; k++) {
                m[c][k] = Gf256.mul(m[c][k], f);
                inv[c][k] = Gf256.mul(inv[c][k], f);
            }
            for (int r = 0; r < n; r++) {
                if (r == c || m[r][c] == 0) continue;
                int g = m[r][c];
                for (int k = 0; k < n; k++) {
                    m[r][k] ^= Gf256.mul(g, m[c][k]);
                    inv[r][k] ^= Gf256.mul(g, inv[c][k]);
                }
            }
        }
        return inv;
    }
}
