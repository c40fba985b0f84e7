package dev.forge.core.chunk;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/**
 * FastCDC as two stages, with cut points identical to {@link FastCdc#cut} byte for byte (SS-CDC's
 * split: find candidates anywhere, in any order, then apply min/avg/max in one cheap pass).
 *
 * <p><b>Why the split is exact.</b> FastCdc resets its fingerprint to 0 at {@code start + minSize}
 * and then does {@code fp = (fp << 1) + GEAR[b]} per byte. A byte's term is shifted out of the 64
 * bits after 64 more bytes, so from {@code start + minSize + 63} on the fingerprint at {@code i} is
 * the gear hash of the 64-byte window ending at {@code i}, whatever the chunk start. And maskL's
 * one-bits are a subset of maskS's. So:
 *
 * <ol>
 *   <li><b>Stage 1</b> ({@link #candidates}) computes, for any range of positions independently (per
 *       segment after a 64-byte warm-up, per vector lane, per thread), the positions whose window
 *       hash passes maskL, flagged when it passes maskS too.
 *   <li><b>Stage 2</b> ({@link #cut(byte[], int, int, Candidates)}), chunk by chunk: positions {@code
 *       start+min .. start+min+62} are checked exactly with the partial fingerprint (63 scalar
 *       steps), then the first strict candidate in {@code [start+min+63, start+normal)} or any
 *       candidate in {@code [max(start+normal, start+min+63), start+end)} is the cut; else {@code
 *       end}.
 * </ol>
 *
 * <p>{@link #cut(byte[], int, int)} runs the same search lazily, one chunk at a time, so like
 * FastCdc it never hashes the {@code minSize} bytes a chunk starts with (about a fifth of the input
 * with the default parameters); it is the fastest single-threaded form and a drop-in replacement for
 * {@code FastCdc.cut}. The full stage 1 hashes every byte but splits across threads: {@link
 * #cutAll} and {@link ChunkStream} with a parallelism above 1 use it.
 *
 * <p><b>Forms of the inner loop</b> ({@link Form}); their speeds, measured with ChunkingBenchmark,
 * are in docs/benchmarks.md, "Chunking (JMH)". The single chain is bound by the latency of its
 * shift and add (about 2 cycles a byte), not by the work, so unrolling it or stepping two bytes at
 * a time (the paper's trick, which saves one shift per two bytes) does not help. Two independent
 * chains in one loop (INTERLEAVED) overlap and ran fastest, but being throughput-bound they lose
 * most of their lead when the host's core is busy with other work, while the latency-bound single
 * chain does not; they were never measurably slower than the single chain. The Vector API form
 * pays for a gather per 8 positions (the 256-entry 64-bit gear table does not fit a register
 * permute) plus the byte-to-index shuffling, and loses to the two scalar chains, as borg found for
 * its AVX2 kernels in C. Two other vector layouts were tried in scratch tests and were slower
 * still: 8 consecutive positions per vector with prefix sums of the shifted gear values (a lane
 * shuffle chain per 8 bytes), and a gather-free one that looked the table up in byte planes with
 * two-register byte permutes (VPERMI2B) and transposed them back into 64-bit lanes. So INTERLEAVED
 * is the default; VECTOR stays available (and tested) for machines where gathers are cheaper, and
 * needs {@code --add-modules jdk.incubator.vector}.
 *
 * <p>Thread-safe: immutable after construction. {@link Candidates} are not: one per thread.
 */
public final class CandidateChunker {
    /** The inner loop of both stages; all forms give identical cut points. */
    public enum Form {
        /** One chain, one byte an iteration: FastCdc's own loop. */
        PLAIN,
        /** One chain unrolled four times. */
        UNROLLED,
        /** The FastCDC 2020 paper's two bytes an iteration, made exact. */
        TWO_BYTE,
        /** Two independent chains in one loop: the fastest scalar form, and the default. */
        INTERLEAVED,
        /** Panama Vector API lanes; only when {@link #vectorAvailable()}. */
        VECTOR
    }

    /**
     * The form used when none is asked for: {@link Form#INTERLEAVED}, or the form named by the system
     * property {@code forge.chunker.form} (for measuring another machine, e.g. {@code
     * FORGE_JAVA_OPTS="--add-modules jdk.incubator.vector -Dforge.chunker.form=VECTOR"}); an unknown
     * name, or VECTOR without the Vector API, falls back to INTERLEAVED.
     */
    public static final Form DEFAULT_FORM = defaultForm();

    private static Form defaultForm() {
        String name = System.getProperty("forge.chunker.form");
        if (name != null) {
            try {
                Form f = Form.valueOf(name.trim().toUpperCase(java.util.Locale.ROOT));
                if (f != Form.VECTOR || vectorAvailable()) return f;
            } catch (IllegalArgumentException ignored) {
                // fall back to the default
            }
        }
        return Form.INTERLEAVED;
    }

    /** Stage 1 splits a range across threads only into segments at least this long. */
    static final int MIN_SEGMENT = 1 << 20;

    private final ChunkerParams params;
    private final int minSize;
    private final int avgSize;
    private final int maxSize;
    private final long maskS;
    private final long maskL;
    private final Form form;
    private final GearScan scan;

    /** A chunker with {@link #DEFAULT_FORM}. */
    public CandidateChunker(ChunkerParams params) {
        this(params, DEFAULT_FORM);
    }

    /** @throws UnsupportedOperationException for {@link Form#VECTOR} when the Vector API is absent */
    public CandidateChunker(ChunkerParams params, Form form) {
        this.params = Objects.requireNonNull(params, "params");
        this.form = Objects.requireNonNull(form, "form");
        FastCdc ref = new FastCdc(params);
        this.minSize = params.minSize();
        this.avgSize = params.avgSize();
        this.maxSize = params.maxSize();
        this.maskS = ref.maskS();
        this.maskL = ref.maskL();
        this.scan = switch (form) {
            case PLAIN -> new GearScan.Plain();
            case UNROLLED -> new GearScan.Unrolled();
            case TWO_BYTE -> new GearScan.TwoByte();
            case INTERLEAVED -> new GearScan.Interleaved();
            case VECTOR -> VectorSupport.newScan();
        };
    }

    /**
     * Whether {@link Form#VECTOR} can be used: the {@code jdk.incubator.vector} module is in the boot
     * layer (the JVM was started with {@code --add-modules jdk.incubator.vector}) and offers at least
     * 4 long lanes.
     */
    public static boolean vectorAvailable() {
        return VectorSupport.AVAILABLE;
    }

    public ChunkerParams params() {
        return params;
    }

    public Form form() {
        return form;
    }

    /**
     * The length of the next chunk, exactly as {@link FastCdc#cut} gives it (same contract), found
     * lazily with this chunker's form.
     */
    public int cut(byte[] buf, int off, int len) {
        Objects.checkFromIndexSize(off, len, buf.length);
        if (len <= minSize) {
            return len;
        }
        int end = Math.min(len, maxSize);
        final int normalEnd = off + Math.min(avgSize, end);
        final int stop = off + end;
        int i = off + minSize;
        // Exact partial fingerprint for the first 63 positions (it has seen fewer than 64 bytes).
        int exactEnd = Math.min(i + 63, stop);
        long fp = 0;
        final long[] g = GearScan.G;
        for (; i < exactEnd; i++) {
            fp = (fp << 1) + g[buf[i] & 0xff];
            if ((fp & (i < normalEnd ? maskS : maskL)) == 0) {
                return i - off;
            }
        }
        if (i >= stop) {
            return end;
        }
        int r;
        if (i < normalEnd) {
            r = scan.firstHit(buf, i, normalEnd, fp, maskS);
            if (r >= 0) return r - off;
            if (normalEnd >= stop) return end;
            // The window of normalEnd - 1 lies within this chunk's hashed bytes (normalEnd > i).
            fp = GearScan.roll(buf, normalEnd - 64, normalEnd, 0);
            i = normalEnd;
        }
        r = scan.firstHit(buf, i, stop, fp, maskL);
        return r >= 0 ? r - off : end;
    }

    /**
     * Stage 1: clears {@code out} and fills it with the candidates of positions {@code [from, to)}.
     *
     * @param lo the lowest byte that belongs to the input (a chunk start at or before {@code from});
     *     windows are not extended below it
     */
    public Candidates candidates(byte[] buf, int from, int to, int lo, Candidates out) {
        checkRange(buf, from, to, lo);
        out.clear();
        scan.candidates(buf, from, to, lo, maskL, maskS, out);
        return out;
    }

    /**
     * Stage 1 split into up to {@code parallelism} segments (each at least 1 MiB), all but the first
     * run on {@code executor} while the calling thread runs the first. Same result as {@link
     * #candidates(byte[], int, int, int, Candidates)}.
     */
    public Candidates candidates(
            byte[] buf, int from, int to, int lo, Candidates out, Executor executor, int parallelism) {
        checkRange(buf, from, to, lo);
        Objects.requireNonNull(executor, "executor");
        out.clear();
        int segments = Math.min(parallelism, (to - from) / MIN_SEGMENT);
        if (segments <= 1) {
            scan.candidates(buf, from, to, lo, maskL, maskS, out);
            return out;
        }
        long n = to - from;
        @SuppressWarnings({"unchecked", "rawtypes"})
        CompletableFuture<Void>[] tasks = new CompletableFuture[segments];
        for (int k = 1; k < segments; k++) {
            int s = from + (int) (n * k / segments);
            int e = from + (int) (n * (k + 1) / segments);
            Candidates part = out.part(k);
            tasks[k] = CompletableFuture.runAsync(() -> scan.candidates(buf, s, e, lo, maskL, maskS, part), executor);
        }
        Candidates first = out.part(0);
        RuntimeException failure = null;
        try {
            scan.candidates(buf, from, from + (int) (n / segments), lo, maskL, maskS, first);
        } catch (RuntimeException e) {
            failure = e;
        }
        // Wait for every segment even after a failure: none may still read buf when this returns.
        for (int k = 1; k < segments; k++) {
            try {
                tasks[k].join();
            } catch (CompletionException e) {
                if (failure == null) {
                    failure = e.getCause() instanceof RuntimeException re ? re : e;
                }
            }
        }
        if (failure != null) throw failure;
        for (int k = 0; k < segments; k++) out.addAll(out.existingPart(k));
        return out;
    }

    /**
     * Stage 2: the length of the next chunk, which starts at {@code buf[off]} with {@code len} bytes
     * available (same contract as {@link FastCdc#cut}), from candidates that cover at least positions
     * {@code [off + minSize + 63, off + min(len, maxSize))}. Successive calls at increasing offsets
     * walk the list once; going backwards is allowed (binary search).
     */
    public int cut(byte[] buf, int off, int len, Candidates cands) {
        Objects.checkFromIndexSize(off, len, buf.length);
        if (len <= minSize) {
            return len;
        }
        int end = Math.min(len, maxSize);
        final int normalEnd = off + Math.min(avgSize, end);
        final int stop = off + end;
        int i = off + minSize;
        int exactEnd = Math.min(i + 63, stop);
        long fp = 0;
        final long[] g = GearScan.G;
        for (; i < exactEnd; i++) {
            fp = (fp << 1) + g[buf[i] & 0xff];
            if ((fp & (i < normalEnd ? maskS : maskL)) == 0) {
                return i - off;
            }
        }
        if (i >= stop) {
            return end;
        }
        int size = cands.size();
        for (int k = cands.seek(i); k < size; k++) {
            int v = cands.raw(k);
            int pos = Candidates.decode(v);
            if (pos >= stop) break;
            // Before normal only a strict candidate cuts; from normal on any (every one passed maskL).
            if (v < 0 || pos >= normalEnd) {
                return pos - off;
            }
        }
        return end;
    }

    /**
     * Cuts {@code buf[off, off+len)} as a whole input (its last chunk ends at {@code off + len}):
     * stage 1 over the range on {@code parallelism} threads (see {@link #candidates(byte[], int, int,
     * int, Candidates, Executor, int)}), then stage 2.
     *
     * @return the chunk lengths, in order
     */
    public int[] cutAll(byte[] buf, int off, int len, Executor executor, int parallelism) {
        Objects.checkFromIndexSize(off, len, buf.length);
        Candidates cands = candidates(buf, off, off + len, off, new Candidates(), executor, parallelism);
        int[] out = new int[Math.max(16, len / Math.max(1, minSize + (avgSize >> 1)) + 16)];
        int n = 0;
        int at = off;
        int stop = off + len;
        while (at < stop) {
            int c = cut(buf, at, stop - at, cands);
            if (n == out.length) out = java.util.Arrays.copyOf(out, n * 2);
            out[n++] = c;
            at += c;
        }
        return java.util.Arrays.copyOf(out, n);
    }

    private static void checkRange(byte[] buf, int from, int to, int lo) {
        Objects.checkFromToIndex(from, to, buf.length);
        if (lo < 0 || lo > from) {
            throw new IndexOutOfBoundsException("lo " + lo + " must be in [0, from = " + from + "]");
        }
    }

    /** Loads the Vector API form only when its module is present. */
    private static final class VectorSupport {
        static final boolean AVAILABLE = probe();

        private static boolean probe() {
            if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
                return false;
            }
            try {
                return (boolean) Class.forName("dev.forge.core.chunk.VectorGearScan")
                        .getDeclaredMethod("usable")
                        .invoke(null);
            } catch (ReflectiveOperationException | LinkageError e) {
                return false;
            }
        }

        static GearScan newScan() {
            if (!AVAILABLE) {
                throw new UnsupportedOperationException(
                        "the Vector API form needs --add-modules jdk.incubator.vector (and 4 or more long lanes)");
            }
            try {
                return (GearScan) Class.forName("dev.forge.core.chunk.VectorGearScan")
                        .getDeclaredConstructor()
                        .newInstance();
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
