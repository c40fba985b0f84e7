package dev.forge.core.chunk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every form of {@link CandidateChunker}, lazy and two-stage, sequential and parallel, gives exactly
 * {@link FastCdc#cut}'s cut points.
 */
class CandidateChunkerTest {
    private static final ChunkerParams DEFAULT = ChunkerParams.DEFAULT;
    private static final ChunkerParams SMALL = new ChunkerParams(64, 256, 1024);
    /** normal (128) comes before min + 63 (190): the exact prefix straddles the mask switch. */
    private static final ChunkerParams ODD = new ChunkerParams(127, 128, 300);
    /** max is avg + 1. */
    private static final ChunkerParams TIGHT = new ChunkerParams(64, 128, 129);

    private static final List<ChunkerParams> ALL_PARAMS =
            List.of(DEFAULT, SMALL, ODD, TIGHT, new ChunkerParams(4096, 16384, 65536));

    private static ExecutorService pool;

    @BeforeAll
    static void startPool() {
        pool = Executors.newFixedThreadPool(3);
    }

    @AfterAll
    static void stopPool() {
        pool.shutdownNow();
    }

    static List<CandidateChunker.Form> forms() {
        List<CandidateChunker.Form> forms = new ArrayList<>(List.of(CandidateChunker.Form.values()));
        if (!CandidateChunker.vectorAvailable()) forms.remove(CandidateChunker.Form.VECTOR);
        return forms;
    }

    private static byte[] random(long seed, int n) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** FastCdc's chunk lengths of all of data. */
    private static int[] reference(ChunkerParams p, byte[] data) {
        return lazy(new FastCdc(p)::cut, data);
    }

    interface Cutter {
        int cut(byte[] buf, int off, int len);
    }

    private static int[] lazy(Cutter c, byte[] data) {
        List<Integer> out = new ArrayList<>();
        for (int off = 0; off < data.length; ) {
            int len = c.cut(data, off, data.length - off);
            assertTrue(len > 0 && len <= data.length - off, "cut " + len + " at " + off);
            out.add(len);
            off += len;
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Stage 1 over the whole array on one thread, then stage 2. */
    private static int[] staged(CandidateChunker c, byte[] data) {
        Candidates cands = c.candidates(data, 0, data.length, 0, new Candidates());
        return lazy((b, off, len) -> c.cut(b, off, len, cands), data);
    }

    /** Every way this chunker can cut data agrees with FastCdc. */
    private static void assertAllAgree(ChunkerParams p, byte[] data, String what) {
        int[] expected = reference(p, data);
        for (CandidateChunker.Form form : forms()) {
            CandidateChunker c = new CandidateChunker(p, form);
            String tag = what + ", " + form + ", " + p;
            assertArrayEquals(expected, lazy(c::cut, data), tag + ", lazy");
            assertArrayEquals(expected, staged(c, data), tag + ", staged");
            for (int threads = 1; threads <= 4; threads++) {
                assertArrayEquals(
                        expected, c.cutAll(data, 0, data.length, pool, threads), tag + ", cutAll on " + threads);
            }
        }
    }

    @Test
    void vectorFormIsAvailableInTheseTests() {
        // surefire's argLine adds the module; without it the vector form would silently not be tested.
        assertTrue(ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent());
        assertTrue(CandidateChunker.vectorAvailable());
        assertSame(CandidateChunker.Form.VECTOR, new CandidateChunker(SMALL, CandidateChunker.Form.VECTOR).form());
        assertEquals(CandidateChunker.Form.INTERLEAVED, new CandidateChunker(SMALL).form());
    }

    @Test
    void seededRandomInputsAgreeWithFastCdc() {
        for (ChunkerParams p : ALL_PARAMS) {
            for (long seed = 1; seed <= 3; seed++) {
                // Sizes around the multi-megabyte segments of the parallel stage 1, and odd lengths.
                int n = (p == DEFAULT ? (5 << 20) : (3 << 20)) + (int) (seed * 7919);
                assertAllAgree(p, random(seed * 31 + p.avgSize(), n), "seed " + seed);
            }
        }
    }

    @Test
    void everyChunkStartAndShortLengthsAgree() {
        // cut() at arbitrary offsets and lengths, not just along one chain of chunks.
        for (ChunkerParams p : ALL_PARAMS) {
            FastCdc ref = new FastCdc(p);
            byte[] data = random(p.maxSize(), 4 * p.maxSize() + 1000);
            Random rnd = new Random(99);
            int[] offs = new int[200];
            int[] lens = new int[200];
            for (int k = 0; k < offs.length; k++) {
                offs[k] = rnd.nextInt(data.length);
                int room = data.length - offs[k];
                // Half the lengths within [0, max + 100], where the edge cases live.
                lens[k] = Math.min(room, k % 2 == 0 ? rnd.nextInt(p.maxSize() + 100) : rnd.nextInt(room + 1));
            }
            for (CandidateChunker.Form form : forms()) {
                CandidateChunker c = new CandidateChunker(p, form);
                Candidates all = c.candidates(data, 0, data.length, 0, new Candidates());
                for (int k = 0; k < offs.length; k++) {
                    int expected = ref.cut(data, offs[k], lens[k]);
                    assertEquals(
                            expected,
                            c.cut(data, offs[k], lens[k]),
                            form + " lazy, off " + offs[k] + " len " + lens[k] + ", " + p);
                    // Windows below lo = 0 do not exist, but stage 2 only consults positions >= off + min + 63.
                    assertEquals(
                            expected,
                            c.cut(data, offs[k], lens[k], all),
                            form + " staged, off " + offs[k] + " len " + lens[k] + ", " + p);
                }
            }
        }
    }

    @Test
    void edgeSizes() {
        for (ChunkerParams p : ALL_PARAMS) {
            int min = p.minSize();
            int max = p.maxSize();
            byte[] data = random(5, 3 * max + 200);
            for (int n : new int[] {
                0,
                1,
                min - 1,
                min,
                min + 1,
                min + 62,
                min + 63,
                min + 64,
                p.avgSize() - 1,
                p.avgSize(),
                p.avgSize() + 1,
                max - 1,
                max,
                max + 1,
                2 * max,
                2 * max + 1
            }) {
                assertAllAgree(p, Arrays.copyOf(data, n), "length " + n);
            }
        }
    }

    @Test
    void longRunsOfOneByteValue() {
        for (ChunkerParams p : List.of(DEFAULT, SMALL)) {
            int n = 4 * p.maxSize() + 10;
            for (int v : new int[] {0, 1, 0x55, 0x80, 0xAA, 0xFF, 17, 200}) {
                byte[] run = new byte[n];
                Arrays.fill(run, (byte) v);
                assertAllAgree(p, run, "run of " + v);
            }
            // A run in the middle of random bytes: windows enter and leave it.
            byte[] mixed = random(77, 3 << 20);
            Arrays.fill(mixed, 1 << 20, (1 << 20) + 3 * p.maxSize() + 5, (byte) 0x3C);
            assertAllAgree(p, mixed, "run inside random data");
        }
    }

    @Test
    void runsWhoseEveryWindowIsACandidate() {
        // A run of v has the window hash GEAR[v] * (2^64 - 1) = -GEAR[v]: with SMALL's 6-bit loose mask
        // a few byte values pass it at every position of the run (the dense-hit path of stage 1).
        FastCdc ref = new FastCdc(SMALL);
        long[] gear = FastCdc.gearTable();
        List<Integer> dense = new ArrayList<>();
        for (int v = 0; v < 256; v++) if ((-gear[v] & ref.maskL()) == 0) dense.add(v);
        assertTrue(!dense.isEmpty(), "no byte value whose run passes the loose mask");
        for (int v : dense) {
            byte[] data = random(v, 200_000);
            Arrays.fill(data, 50_000, 150_000, (byte) v);
            assertAllAgree(SMALL, data, "dense run of " + v);
            for (CandidateChunker.Form form : forms()) {
                Candidates c = new CandidateChunker(SMALL, form).candidates(data, 0, data.length, 0, new Candidates());
                assertTrue(c.size() > 99_000, form + ": every window inside the run is a candidate, got " + c.size());
            }
        }
    }

    /**
     * Changes {@code data} so that the chunk starting at {@code s} is cut at exactly {@code s + t} by
     * FastCdc: the byte before {@code s + t} and the byte at it are tried until the fingerprint there
     * passes the mask, re-filling the chunk's hashed bytes when no choice works or an earlier cut
     * appears (with a run of one value when the cut is far into the loose region, where random bytes
     * would almost surely cut earlier).
     *
     * @return false if no such input was found (a cut at minSize or minSize + 1 depends on one or two
     *     bytes only, and may not exist)
     */
    private static boolean craftCut(ChunkerParams p, byte[] data, int s, int t, Random rnd) {
        FastCdc ref = new FastCdc(p);
        long[] gear = FastCdc.gearTable();
        int min = p.minSize();
        long mask = t < p.avgSize() ? ref.maskS() : ref.maskL();
        int at = s + t;
        boolean run = t > 2 * p.avgSize();
        for (int attempt = 0; attempt < 200; attempt++) {
            int fill = rnd.nextInt(256);
            for (int i = s + min; i <= at; i++) data[i] = (byte) (run ? fill : rnd.nextInt(256));
            long fp = 0;
            for (int i = s + min; i < at - 1; i++) fp = (fp << 1) + gear[data[i] & 0xff];
            boolean twoFree = at - 1 >= s + min; // else the byte at s + t is the first one hashed
            for (int x = 0; x < (twoFree ? 256 : 1); x++) {
                long f1 = twoFree ? (fp << 1) + gear[x] : fp;
                for (int y = 0; y < 256; y++) {
                    long f2 = (f1 << 1) + gear[y];
                    if (!twoFree) f2 = gear[y];
                    if ((f2 & mask) == 0) {
                        if (twoFree) data[at - 1] = (byte) x;
                        data[at] = (byte) y;
                        if (ref.cut(data, s, data.length - s) == t) return true;
                    }
                }
            }
            if (!twoFree) return false; // nothing else to vary
        }
        return false;
    }

    @Test
    void cutsAtTheEdgeOfTheExactPrefix() {
        // The first 63 hashed positions use the partial fingerprint, the rest the window candidates:
        // cuts right at and around that seam, at the mask switch and at the last possible position.
        Random rnd = new Random(2024);
        int crafted = 0;
        for (ChunkerParams p : List.of(SMALL, DEFAULT, ODD)) {
            int min = p.minSize();
            int avg = p.avgSize();
            int[] targets = {
                min, min + 1, min + 61, min + 62, min + 63, min + 64, min + 65, avg - 1, avg, avg + 1, p.maxSize() - 1
            };
            for (int t : targets) {
                if (t < min || t >= p.maxSize()) continue;
                // First chunk, and a chunk in the middle of a stream (its start is a previous cut).
                byte[] data = random(t * 7L + p.avgSize(), 3 * p.maxSize() + 12345);
                if (!craftCut(p, data, 0, t, rnd)) {
                    // Only a cut decided by one or two bytes can be impossible (no gear value, or no pair
                    // (GEAR[x] << 1) + GEAR[y], passes the 18-bit default strict mask).
                    assertTrue(t <= min + 1, "could not craft a cut at " + t + ", " + p);
                    continue;
                }
                assertEquals(t, new FastCdc(p).cut(data, 0, data.length));
                assertAllAgree(p, data, "cut at start + " + t);

                byte[] mid = random(t * 13L + p.minSize(), 4 * p.maxSize() + 999);
                int s = new FastCdc(p).cut(mid, 0, mid.length);
                assertTrue(craftCut(p, mid, s, t, rnd), "could not craft a second cut at " + t + ", " + p);
                assertEquals(t, reference(p, mid)[1]);
                assertAllAgree(p, mid, "second chunk cut at + " + t);
                crafted++;
            }
        }
        // 33 targets; the misses are cuts at minSize or minSize + 1 with no solution (28 crafted).
        assertTrue(crafted >= 25, "only " + crafted + " cuts crafted");
    }

    @Test
    void goldenCutsOfSplitMix64Input() throws IOException {
        List<Integer> golden = new ArrayList<>();
        try (InputStream in = Objects.requireNonNull(
                        getClass().getResourceAsStream("/fastcdc-golden.txt"), "fastcdc-golden.txt");
                BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (!line.isBlank() && !line.startsWith("#")) golden.add(Integer.parseInt(line.trim()));
            }
        }
        int[] expected = golden.stream().mapToInt(Integer::intValue).toArray();
        byte[] data = SplitMix64.bytes(0x0123456789ABCDEFL, 8 << 20);
        assertArrayEquals(expected, reference(DEFAULT, data));
        assertAllAgree(DEFAULT, data, "golden");
        for (CandidateChunker.Form form : forms()) {
            for (int threads = 1; threads <= 4; threads++) {
                ChunkStream stream = new ChunkStream(new CandidateChunker(DEFAULT, form), 3 << 20, threads, pool);
                assertArrayEquals(
                        expected, ChunkStreamTest.streamCuts(stream, data, 1), form + " stream on " + threads);
            }
        }
    }

    @Test
    void candidatesAreTheWindowHashesThatPassTheMasks() {
        // Brute force: the window hash of every position, from its (up to) 64 bytes.
        ChunkerParams p = SMALL;
        FastCdc ref = new FastCdc(p);
        long[] gear = FastCdc.gearTable();
        byte[] data = random(4, 3 << 20);
        int lo = 1000;
        int from = 1010;
        int to = data.length - 5;
        List<Integer> expected = new ArrayList<>();
        for (int i = from; i < to; i++) {
            long h = 0;
            for (int k = Math.max(lo, i - 63); k <= i; k++) h = (h << 1) + gear[data[k] & 0xff];
            if ((h & ref.maskL()) == 0) expected.add((h & ref.maskS()) == 0 ? ~i : i);
        }
        assertTrue(expected.size() > 10_000, "SMALL masks give many candidates: " + expected.size());
        for (CandidateChunker.Form form : forms()) {
            CandidateChunker c = new CandidateChunker(p, form);
            assertEquals(expected, encoded(c.candidates(data, from, to, lo, new Candidates())), form.toString());
            Candidates reused = new Candidates();
            for (int threads = 1; threads <= 4; threads++) {
                assertEquals(
                        expected,
                        encoded(c.candidates(data, from, to, lo, reused, pool, threads)),
                        form + " on " + threads);
            }
        }
    }

    private static List<Integer> encoded(Candidates c) {
        List<Integer> out = new ArrayList<>();
        for (int k = 0; k < c.size(); k++) out.add(c.strict(k) ? ~c.position(k) : c.position(k));
        return out;
    }

    @Test
    void stageTwoMayGoBackwards() {
        CandidateChunker c = new CandidateChunker(SMALL);
        FastCdc ref = new FastCdc(SMALL);
        byte[] data = random(8, 200_000);
        Candidates cands = c.candidates(data, 0, data.length, 0, new Candidates());
        Random rnd = new Random(1);
        for (int k = 0; k < 2000; k++) {
            int off = rnd.nextInt(data.length);
            assertEquals(
                    ref.cut(data, off, data.length - off), c.cut(data, off, data.length - off, cands), "off " + off);
        }
    }

    @Test
    void streamWithSeveralBufferSizesAndParallelism() throws IOException {
        int max = DEFAULT.maxSize();
        byte[] data = random(3, (9 << 20) + 12345);
        int[] expected = reference(DEFAULT, data);
        for (int size : List.of(
                2 * max,
                2 << 20,
                (3 << 20) + 12345,
                ChunkStream.DEFAULT_BUFFER_SIZE,
                ChunkStream.PARALLEL_BUFFER_SIZE)) {
            for (int threads = 1; threads <= 4; threads++) {
                ChunkStream stream = new ChunkStream(new CandidateChunker(DEFAULT), size, threads, pool);
                String tag = "buffer " + size + ", parallelism " + threads;
                assertArrayEquals(expected, ChunkStreamTest.streamCuts(stream, data, 1), tag);
                assertArrayEquals(expected, ChunkStreamTest.streamCuts(stream, data, 700_000), tag + ", short reads");
            }
        }
        // Small params: many chunks per buffer load, many candidates per segment.
        byte[] small = random(6, (5 << 20) + 3);
        int[] smallExpected = reference(SMALL, small);
        for (int threads = 1; threads <= 4; threads++) {
            ChunkStream stream = new ChunkStream(
                    new CandidateChunker(SMALL, CandidateChunker.Form.INTERLEAVED), 4 << 20, threads, pool);
            assertArrayEquals(smallExpected, ChunkStreamTest.streamCuts(stream, small, 1), "SMALL on " + threads);
        }
    }

    @Test
    void parallelStreamPropagatesSinkFailuresAndValidates() {
        ChunkStream stream = new ChunkStream(new CandidateChunker(DEFAULT), 4 << 20, 2, pool);
        IOException e = assertThrows(
                IOException.class,
                () -> stream.forEach(Channels.newChannel(new ByteArrayInputStream(random(1, 5 << 20))), (b, o, l) -> {
                    throw new IOException("disk full");
                }));
        assertEquals("disk full", e.getMessage());
        assertThrows(
                IllegalArgumentException.class, () -> new ChunkStream(new CandidateChunker(DEFAULT), 4 << 20, 0, pool));
        assertThrows(
                NullPointerException.class, () -> new ChunkStream(new CandidateChunker(DEFAULT), 4 << 20, 2, null));
        assertThrows(
                IndexOutOfBoundsException.class,
                () -> new CandidateChunker(SMALL).candidates(new byte[10], 5, 8, 6, new Candidates()));
    }
}
