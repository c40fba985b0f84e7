package dev.forge.mirror.video;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

class ReedSolomonTest {
    private static int[] codeword(ReedSolomon rs, byte[] data) {
        byte[] parity = new byte[rs.parityBytes()];
        rs.encode(data, 0, data.length, parity, 0);
        int[] cw = new int[data.length + parity.length];
        for (int i = 0; i < data.length; i++) cw[i] = data[i] & 0xff;
        for (int i = 0; i < parity.length; i++) cw[data.length + i] = parity[i] & 0xff;
        return cw;
    }

    @Test
    void correctsUpToHalfTheParityInErrors() {
        Random rnd = new Random(1);
        for (int nsym : new int[] {2, 8, 18, 40}) {
            ReedSolomon rs = new ReedSolomon(nsym);
            for (int round = 0; round < 200; round++) {
                byte[] data = new byte[16 + rnd.nextInt(255 - nsym - 16)];
                rnd.nextBytes(data);
                int[] good = codeword(rs, data);
                int[] bad = good.clone();
                int errors = rnd.nextInt(nsym / 2 + 1);
                int[] positions =
                        rnd.ints(0, good.length).distinct().limit(errors).toArray();
                for (int p : positions) bad[p] ^= 1 + rnd.nextInt(255);
                assertEquals(errors, rs.decode(bad, new int[0]), "nsym " + nsym + " errors " + errors);
                assertArrayEquals(good, bad);
            }
        }
    }

    @Test
    void correctsErasuresAndErrorsTogether() {
        Random rnd = new Random(2);
        ReedSolomon rs = new ReedSolomon(20);
        for (int round = 0; round < 300; round++) {
            byte[] data = new byte[200];
            rnd.nextBytes(data);
            int[] good = codeword(rs, data);
            int erasures = rnd.nextInt(21);
            int errors = (20 - erasures) / 2;
            int[] positions =
                    rnd.ints(0, good.length).distinct().limit(erasures + errors).toArray();
            int[] bad = good.clone();
            for (int p : positions) bad[p] ^= 1 + rnd.nextInt(255);
            int[] erased = java.util.Arrays.copyOf(positions, erasures);
            assertEquals(erasures + errors, rs.decode(bad, erased));
            assertArrayEquals(good, bad);
        }
    }

    @Test
    void tooManyErrorsAreRefusedNotMiscorrectedSilently() {
        Random rnd = new Random(3);
        ReedSolomon rs = new ReedSolomon(16);
        int refused = 0;
        for (int round = 0; round < 200; round++) {
            byte[] data = new byte[100];
            rnd.nextBytes(data);
            int[] good = codeword(rs, data);
            int[] bad = good.clone();
            for (int p : rnd.ints(0, good.length).distinct().limit(30).toArray()) bad[p] ^= 1 + rnd.nextInt(255);
            int[] before = bad.clone();
            int r = rs.decode(bad, new int[0]);
            if (r < 0) {
                refused++;
                assertArrayEquals(before, bad, "a refused codeword is left as it was");
            }
        }
        // A miscorrection into another valid codeword is possible but rare; the frame CRC catches it.
        assertEquals(true, refused > 190, "refused " + refused);
    }

    @Test
    void cauchyCodeRebuildsAnyLostFramesUpToItsParity() {
        Random rnd = new Random(4);
        for (int[] dp : new int[][] {{1, 2}, {5, 2}, {12, 3}, {160, 40}}) {
            int d = dp[0];
            int p = dp[1];
            CauchyCode code = new CauchyCode(d, p);
            byte[][] shards = new byte[d + p][64];
            for (int j = 0; j < d; j++) rnd.nextBytes(shards[j]);
            byte[][] parity = new byte[p][];
            System.arraycopy(shards, d, parity, 0, p);
            code.encode(shards, parity);
            byte[][] received = shards.clone();
            int[] lost = rnd.ints(0, d + p).distinct().limit(p).toArray();
            int lostData = 0;
            for (int l : lost) {
                received[l] = null;
                if (l < d) lostData++;
            }
            assertEquals(lostData, code.reconstruct(received, 64));
            for (int j = 0; j < d; j++) assertArrayEquals(shards[j], received[j]);
            // One more lost than the parity rebuilds: refused.
            byte[][] tooFew = received.clone();
            for (int l : lost) tooFew[l] = null;
            tooFew[firstPresent(tooFew)] = null;
            assertEquals(-1, code.reconstruct(tooFew, 64));
        }
    }

    private static int firstPresent(byte[][] s) {
        for (int i = 0; i < s.length; i++) if (s[i] != null) return i;
        return 0;
    }
}
