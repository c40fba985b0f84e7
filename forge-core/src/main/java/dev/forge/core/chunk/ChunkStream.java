package dev.forge.core.chunk;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.util.Objects;

/**
 * Streams a channel through {@link FastCdc} with one reusable heap buffer, producing exactly the cut
 * points that {@link FastCdc#cut} gives over the whole input held in one array.
 *
 * <p>That equivalence holds because a cut is always asked for with at least {@code maxSize} bytes
 * available (or everything left at end of input), and a cut never looks further than {@code
 * maxSize}. The buffer is compacted (its unread tail moved to the front, then refilled) only when
 * fewer than {@code maxSize} unread bytes remain, so bytes are copied about once per buffer length
 * rather than once per chunk.
 *
 * <p>Reusable for any number of streams but not thread-safe (one buffer): use one per thread. The
 * channel must be blocking.
 */
public final class ChunkStream {
  /** 8 MiB: a few dozen default chunks per refill, small enough to keep one per ingest thread. */
  public static final int DEFAULT_BUFFER_SIZE = 8 << 20;

  private final FastCdc cdc;
  private final int maxSize;
  private final byte[] buf;
  /** Wraps {@link #buf} once, so reads allocate nothing. */
  private final ByteBuffer window;

  /** A stream with {@link #DEFAULT_BUFFER_SIZE}, or {@code 2 * maxSize} if that is larger. */
  public ChunkStream(FastCdc cdc) {
    this(cdc, Math.max(DEFAULT_BUFFER_SIZE, 2 * cdc.params().maxSize()));
  }

  /** @param bufferSize at least {@code 2 * maxSize} of the chunker */
  public ChunkStream(FastCdc cdc, int bufferSize) {
    this.cdc = Objects.requireNonNull(cdc, "cdc");
    this.maxSize = cdc.params().maxSize();
    if (bufferSize < 2L * maxSize) {
      throw new IllegalArgumentException("bufferSize must be at least 2 * maxSize = " + 2L * maxSize + ", got " + bufferSize);
    }
    this.buf = new byte[bufferSize];
    this.window = ByteBuffer.wrap(buf);
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
      }
      if (start == end) {
        return total;
      }
      int len = cdc.cut(buf, start, end - start);
      sink.accept(buf, start, len);
      start += len;
      total += len;
    }
  }

  public int bufferSize() {
    return buf.length;
  }
}
