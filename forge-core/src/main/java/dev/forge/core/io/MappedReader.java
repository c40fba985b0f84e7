package dev.forge.core.io;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;

/**
 * Reads a file sequentially through memory-mapped windows: each {@link #read} is one copy from the
 * page cache into the caller's heap buffer. A plain {@code FileChannel.read} into a heap buffer costs
 * two (the kernel copies into a JDK temporary direct buffer, which is then copied into the heap), and
 * ingest reads every byte of every large file. Each window is unmapped as soon as the next one is
 * mapped (a confined arena), so mapped pages never pile up in the process's resident set, whatever
 * the file's size.
 *
 * <p>Measured against plain reads on corpus v1 (docs/benchmarks.md, "Reading large files"), it did
 * not win: the same wall time, more CPU in page faults, and a higher resident set (mapped pages
 * count). Ingest therefore reads with FileChannel by default; {@code -Dforge.read=mmap} selects this
 * reader, so the comparison can be repeated.
 *
 * <p>Not thread-safe. Does not own the channel.
 */
public final class MappedReader implements ReadableByteChannel {
  /** 64 MiB windows: few mmap calls, and a bounded resident set. */
  public static final long DEFAULT_WINDOW = 64L << 20;

  private final FileChannel channel;
  private final long windowSize;
  private final long size;
  private long position;
  private Arena arena;
  private MemorySegment window;
  private long windowStart;

  public MappedReader(FileChannel channel) throws IOException {
    this(channel, DEFAULT_WINDOW);
  }

  public MappedReader(FileChannel channel, long windowSize) throws IOException {
    this.channel = channel;
    this.windowSize = windowSize;
    this.size = channel.size();
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    if (position >= size) return -1;
    if (window == null || position >= windowStart + window.byteSize()) map(position);
    long inWindow = position - windowStart;
    int n = (int) Math.min(dst.remaining(), window.byteSize() - inWindow);
    try {
      if (dst.hasArray()) {
        MemorySegment.copy(window, ValueLayout.JAVA_BYTE, inWindow, dst.array(), dst.arrayOffset() + dst.position(), n);
      } else {
        MemorySegment.copy(window, inWindow, MemorySegment.ofBuffer(dst), 0, n);
      }
    } catch (InternalError e) {
      // SIGBUS: the file was truncated under the mapping.
      throw new IOException("the file shrank while it was being read");
    }
    dst.position(dst.position() + n);
    position += n;
    return n;
  }

  private void map(long at) throws IOException {
    unmap();
    arena = Arena.ofConfined();
    windowStart = at;
    window = channel.map(FileChannel.MapMode.READ_ONLY, at, Math.min(windowSize, size - at), arena);
  }

  private void unmap() {
    if (arena != null) {
      arena.close();
      arena = null;
      window = null;
    }
  }

  @Override
  public boolean isOpen() {
    return arena != null || position < size;
  }

  /** Unmaps the current window; the channel stays open. */
  @Override
  public void close() {
    unmap();
  }
}
