package dev.forge.core.chunk;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * Streams a channel through the chunker with one reusable heap buffer, producing exactly the cut
 * points that {@link FastCdc#cut} gives over the whole input held in one array.
 *
 * <p>That equivalence holds because a cut is always asked for with at least {@code maxSize} bytes
 * available (or everything left at end of input), and a cut never looks further than {@code
 * maxSize}. The buffer is compacted (its unread tail moved to the front, then refilled) only when
 * fewer than {@code maxSize} unread bytes remain, so bytes are copied about once per buffer length
 * rather than once per chunk.
 *
 * <p>Cuts are found with a {@link CandidateChunker} (its default form gives the same cuts as {@code
 * FastCdc.cut}, up to about 1.5 times as fast). With a parallelism above 1, each buffer load is
 * first scanned for candidate cut points on that many threads (stage 1, in segments of at least 1
 * MiB) and then cut sequentially from the candidates (stage 2); use a large buffer ({@link
 * #PARALLEL_BUFFER_SIZE}) so that the threads get large pieces.
 *
 * <p>Reusable for any number of streams but not thread-safe (one buffer): use one per thread. The
 * channel must be blocking.
 */
public final class ChunkStream {
    /** 8 MiB: a few dozen default chunks per refill, small enough to keep one per ingest thread. */
    public static final int DEFAULT_BUFFER_SIZE = 8 << 20;
    /** 32 MiB: the buffer size for parallel stage 1 (16 MiB per thread with two). */
    public static final int PARALLEL_BUFFER_SIZE = 32 << 20;

    private final CandidateChunker chunker;
    private final int maxSize;
    private final byte[] buf;
    /** Wraps {@link #buf} once, so reads allocate nothing. */
    private final ByteBuffer window;

    private final int parallelism;
    private final Executor executor;
    /** Stage 1 results for the current buffer load (parallel mode only). */
    private final Candidates candidates;

    /** A stream with {@link #DEFAULT_BUFFER_SIZE}, or {@code 2 * maxSize} if that is larger. */
    public ChunkStream(FastCdc cdc) {
        this(cdc, Math.max(DEFAULT_BUFFER_SIZE, 2 * cdc.params().maxSize()));
    }

    /** @param bufferSize at least {@code 2 * maxSize} of the chunker */
    public ChunkStream(FastCdc cdc, int bufferSize) {
        this(new CandidateChunker(Objects.requireNonNull(cdc, "cdc").params()), bufferSize, 1, null);
    }

    /**
     * @param bufferSize at least {@code 2 * maxSize} of the chunker
     * @param parallelism threads for stage 1 of each buffer load, the calling thread included; 1 cuts
     *     lazily on the calling thread only
     * @param executor runs the other {@code parallelism - 1} segments; may be null when parallelism is
     *     1
     */
    public ChunkStream(CandidateChunker chunker, int bufferSize, int parallelism, Executor executor) {
        this.chunker = Objects.requireNonNull(chunker, "chunker");
        this.maxSize = chunker.params().maxSize();
        if (bufferSize < 2L * maxSize) {
            throw new IllegalArgumentException(
                    "bufferSize must be at least 2 * maxSize = " + 2L * maxSize + ", got " + bufferSize);
        }
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be at least 1, got " + parallelism);
        }
        if (parallelism > 1) {
            Objects.requireNonNull(executor, "executor");
        }
        this.buf = new byte[bufferSize];
        this.window = ByteBuffer.wrap(buf);
        this.parallelism = parallelism;
        this.executor = executor;
        this.candidates = parallelism > 1 ? new Candidates() : null;
    }

    /**
     * Reads {@code ch} to its end and hands every chunk, in order, to {@code sink}. Does not close the
     * channel. Empty input gives no chunks.
     *
     * @return the total number of bytes read (the sum of the chunk lengths)
     */
    public long forEach(ReadableByteChannel ch, ChunkSink sink) throws IOException {
        Objects.requireNonNull(ch, "ch");
        Objects.requireNonNull(sink, "sink");
        int start = 0; // first unread (not yet chunked) byte
        int end = 0; // one past the last byte read
        boolean eof = false;
        boolean staged = false; // candidates cover buf[0, end)
        long total = 0;
        while (true) {
            if (!eof && end - start < maxSize) {
                int tail = end - start;
                System.arraycopy(buf, start, buf, 0, tail);
                start = 0;
                end = tail;
                // Fill the whole buffer: fewer, larger reads, and the next compaction is a buffer away.
                while (end < buf.length) {
                    window.limit(buf.length).position(end);
                    int n = ch.read(window);
                    if (n < 0) {
                        eof = true;
                        break;
                    }
                    end += n;
                }
                // Stage 1 on all threads, when the load is large enough to give each a whole segment.
                staged = parallelism > 1 && end >= 2 * CandidateChunker.MIN_SEGMENT;
                if (staged) {
                    chunker.candidates(buf, 0, end, 0, candidates, executor, parallelism);
                }
            }
            if (start == end) {
                return total;
            }
            int len = staged ? chunker.cut(buf, start, end - start, candidates) : chunker.cut(buf, start, end - start);
            sink.accept(buf, start, len);
            start += len;
            total += len;
        }
    }

    public int bufferSize() {
        return buf.length;
    }

    public int parallelism() {
        return parallelism;
    }
}
