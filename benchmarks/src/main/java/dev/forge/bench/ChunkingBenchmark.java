package dev.forge.bench;

import dev.forge.core.chunk.CandidateChunker;
import dev.forge.core.chunk.Candidates;
import dev.forge.core.chunk.ChunkStream;
import dev.forge.core.chunk.ChunkerParams;
import dev.forge.core.chunk.FastCdc;
import dev.forge.core.hash.Blake3;
import dev.forge.core.hash.Blake3Hasher;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * FastCDC cut-point search over 64 MiB of random bytes with the default parameters (bytes/s = 64
 * MiB / score; GB/s = 67.108864 / score in ms). Every variant produces the same cut points (see
 * CandidateChunkerTest).
 *
 * <ul>
 *   <li>{@code scalarReference}: {@link FastCdc#cut}, one chunk at a time.
 *   <li>{@code lazy}: {@link CandidateChunker#cut(byte[], int, int)} per form, one chunk at a time
 *       (skips each chunk's first minSize bytes like FastCdc).
 *   <li>{@code staged}: the whole buffer's candidates on one thread (every byte hashed), then
 *       stage 2.
 *   <li>{@code parallel}: {@link CandidateChunker#cutAll} with stage 1 on {@code threads} threads
 *       (the caller and a pool).
 *   <li>{@code streamHashed}: {@link ChunkStream} (default form; 8 MiB buffer, or 32 MiB and stage 1
 *       on {@code parallelism} threads) over an in-memory channel, each chunk hashed with BLAKE3.
 * </ul>
 *
 * The fork resolves {@code jdk.incubator.vector} so that the VECTOR form can run.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class ChunkingBenchmark {
    private byte[] data;
    private FastCdc cdc;

    @Setup
    public void setup() {
        data = randomData();
        cdc = new FastCdc(ChunkerParams.DEFAULT);
    }

    static byte[] randomData() {
        byte[] data = new byte[64 << 20];
        SplittableRandom r = new SplittableRandom(42);
        for (int i = 0; i < data.length; i += 8) {
            long v = r.nextLong();
            for (int k = 0; k < 8; k++) data[i + k] = (byte) (v >>> (8 * k));
        }
        return data;
    }

    /** One form of the candidate chunker. */
    @State(Scope.Thread)
    public static class Form {
        @Param({"PLAIN", "UNROLLED", "TWO_BYTE", "INTERLEAVED", "VECTOR"})
        public String form;

        CandidateChunker chunker;
        final Candidates candidates = new Candidates();

        @Setup
        public void setup() {
            chunker = new CandidateChunker(ChunkerParams.DEFAULT, CandidateChunker.Form.valueOf(form));
        }
    }

    /** Stage 1 on several threads. */
    @State(Scope.Thread)
    public static class Parallel {
        @Param({"INTERLEAVED", "VECTOR"})
        public String form;

        @Param({"2"})
        public int threads;

        CandidateChunker chunker;
        ExecutorService pool;

        @Setup(Level.Trial)
        public void setup() {
            chunker = new CandidateChunker(ChunkerParams.DEFAULT, CandidateChunker.Form.valueOf(form));
            pool = Executors.newFixedThreadPool(threads - 1);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            pool.shutdownNow();
        }
    }

    /** ChunkStream over an in-memory channel, every chunk hashed (BLAKE3, native): ingest minus I/O and packing. */
    @State(Scope.Thread)
    public static class Stream {
        @Param({"1", "2"})
        public int parallelism;

        ChunkStream stream;
        ExecutorService pool;
        final Blake3Hasher hasher = Blake3.newHasher();

        @Setup(Level.Trial)
        public void setup() {
            pool = parallelism > 1 ? Executors.newFixedThreadPool(parallelism - 1) : null;
            int buffer = parallelism > 1 ? ChunkStream.PARALLEL_BUFFER_SIZE : ChunkStream.DEFAULT_BUFFER_SIZE;
            stream = new ChunkStream(new CandidateChunker(ChunkerParams.DEFAULT), buffer, parallelism, pool);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            if (pool != null) pool.shutdownNow();
        }
    }

    /** A channel over a byte array. */
    static final class ArrayChannel implements ReadableByteChannel {
        private final byte[] data;
        private int pos;

        ArrayChannel(byte[] data) {
            this.data = data;
        }

        @Override
        public int read(ByteBuffer dst) {
            if (pos == data.length) return -1;
            int n = Math.min(dst.remaining(), data.length - pos);
            dst.put(data, pos, n);
            pos += n;
            return n;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {}
    }

    @Benchmark
    public long streamHashed(Stream s) throws IOException {
        long[] acc = {0};
        s.stream.forEach(
                new ArrayChannel(data),
                (buf, off, len) -> acc[0] += s.hasher.hash(buf, off, len).hashCode());
        return acc[0];
    }

    @Benchmark
    public int scalarReference() {
        int off = 0;
        int chunks = 0;
        while (off < data.length) {
            off += cdc.cut(data, off, data.length - off);
            chunks++;
        }
        return chunks;
    }

    @Benchmark
    public int lazy(Form f) {
        CandidateChunker c = f.chunker;
        int off = 0;
        int chunks = 0;
        while (off < data.length) {
            off += c.cut(data, off, data.length - off);
            chunks++;
        }
        return chunks;
    }

    @Benchmark
    public int staged(Form f) {
        CandidateChunker c = f.chunker;
        Candidates cands = c.candidates(data, 0, data.length, 0, f.candidates);
        int off = 0;
        int chunks = 0;
        while (off < data.length) {
            off += c.cut(data, off, data.length - off, cands);
            chunks++;
        }
        return chunks;
    }

    @Benchmark
    public int parallel(Parallel p) {
        return p.chunker.cutAll(data, 0, data.length, p.pool, p.threads).length;
    }
}
