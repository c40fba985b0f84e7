package dev.forge.core.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Writes one file sequentially through O_DIRECT with overlapped I/O: the caller fills one aligned
 * buffer while the previous ones are written by the I/O threads. On this kind of VM, buffered writes
 * cost more CPU than everything else in ingest or checkout, because every new page-cache page is
 * fresh memory (dd on that VM, buffered against O_DIRECT and two writes in flight: docs/benchmarks.md,
 * "Disk reference on this VM"). Where the file system refuses O_DIRECT (tmpfs, some FUSE and
 * network file systems) the same code writes through the page cache.
 *
 * <p>The file's last partial block is written padded to the block size and the file is then
 * truncated to its real length, so O_DIRECT never needs a second, buffered channel. Durability is
 * the caller's choice at {@link #finish(boolean)}: O_DIRECT bypasses the page cache but not the
 * device's cache, so a pack still needs its fsync.
 *
 * <p>Hand-written because no library in Forge's stack does aligned, overlapped O_DIRECT from Java;
 * the JDK gives the pieces ({@code ExtendedOpenOption.DIRECT}, aligned slices).
 *
 * <p>Not thread-safe: one writer per thread. Its buffers come from a {@link Buffers} set that the
 * thread reuses from file to file, so steady-state writing allocates nothing.
 */
public final class DirectWriter implements AutoCloseable {
    /** I/O threads: virtual, so a blocked write costs no platform thread. */
    private static final ExecutorService IO = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("forge-io-", 0).factory());

    /** Aligned buffers owned by one thread, reused by each file it writes. */
    public static final class Buffers {
        static final int ALIGN = 4096;
        private final ByteBuffer[] buffers;

        /** Released sets, reused by {@link #acquire}: direct memory is only returned to the OS at a GC. */
        private static final java.util.concurrent.ConcurrentLinkedDeque<Buffers> POOL =
                new java.util.concurrent.ConcurrentLinkedDeque<>();

        private static final int POOL_MAX = 4;

        /**
         * A set of {@code count} buffers of {@code size} bytes, reused from a small process-wide pool
         * when one of that shape was {@link #release}d: a process that runs many commands (the demo, tests,
         * a long-lived tool) keeps a few sets instead of allocating 12 MiB per pack.
         */
        public static Buffers acquire(int count, int size) {
            int aligned = (size + ALIGN - 1) & -ALIGN;
            for (java.util.Iterator<Buffers> it = POOL.iterator(); it.hasNext(); ) {
                Buffers b = it.next();
                if (b.buffers.length == count && b.buffers[0].capacity() == aligned && POOL.remove(b)) return b;
            }
            return new Buffers(count, size);
        }

        /** Gives the set back for reuse; the caller must not touch it afterwards. */
        public void release() {
            if (POOL.size() < POOL_MAX) POOL.push(this);
        }

        /** {@code count} buffers (2 or more; all but one can be in flight) of {@code size} bytes each. */
        public Buffers(int count, int size) {
            if (count < 2) throw new IllegalArgumentException("need at least 2 buffers");
            int aligned = (size + ALIGN - 1) & -ALIGN;
            buffers = new ByteBuffer[count];
            for (int i = 0; i < count; i++) {
                buffers[i] = ByteBuffer.allocateDirect(aligned + ALIGN)
                        .alignedSlice(ALIGN)
                        .limit(aligned)
                        .slice();
            }
        }
    }

    private final FileChannel channel;
    private final boolean direct;
    private final Buffers set;
    private final CompletableFuture<?>[] inFlight;
    private int current;
    private ByteBuffer buf;
    private long position;
    private boolean finished;

    private DirectWriter(FileChannel channel, boolean direct, Buffers set) {
        this.channel = channel;
        this.direct = direct;
        this.set = set;
        this.inFlight = new CompletableFuture<?>[set.buffers.length];
        this.buf = set.buffers[0].clear();
    }

    /**
     * {@code com.sun.nio.file.ExtendedOpenOption.DIRECT}, looked up by name: naming the class would be
     * a use of internal API that javac always warns about (and the build treats warnings as errors).
     * Null on a JDK without it, which then writes through the page cache.
     */
    private static final java.nio.file.OpenOption O_DIRECT = directOption();

    private static java.nio.file.OpenOption directOption() {
        try {
            Class<?> c = Class.forName("com.sun.nio.file.ExtendedOpenOption");
            return (java.nio.file.OpenOption) c.getField("DIRECT").get(null);
        } catch (ReflectiveOperationException | ClassCastException absent) {
            return null;
        }
    }

    /** {@code FORGE_NO_DIRECT_IO} set (to anything): every file goes through the page cache. */
    private static final boolean DISABLED = System.getenv("FORGE_NO_DIRECT_IO") != null;

    /** Files smaller than this are written through the page cache: a synchronous device write per small file costs more than the copy. */
    public static final long DIRECT_MIN_SIZE = 1 << 20;

    /**
     * Opens {@code file} (which must exist, empty; a fresh temp file, say) for writing. With {@code
     * expectedSize} at least {@link #DIRECT_MIN_SIZE} it uses O_DIRECT, unless the file system refuses it
     * or {@code FORGE_NO_DIRECT_IO} is set.
     */
    public static DirectWriter open(Path file, long expectedSize, Buffers buffers) throws IOException {
        if (!DISABLED && O_DIRECT != null && expectedSize >= DIRECT_MIN_SIZE) {
            try {
                FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, O_DIRECT);
                if (Files.getFileStore(file).getBlockSize() <= Buffers.ALIGN)
                    return new DirectWriter(ch, true, buffers);
                ch.close();
            } catch (IOException | UnsupportedOperationException refused) {
                // tmpfs and others: EINVAL at open. Write through the page cache instead.
            }
        }
        return new DirectWriter(FileChannel.open(file, StandardOpenOption.WRITE), false, buffers);
    }

    /** True when this file is written with O_DIRECT. */
    public boolean direct() {
        return direct;
    }

    /** Bytes written so far (queued included). */
    public long position() {
        return position + buf.position();
    }

    public void write(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            int n = Math.min(len, buf.remaining());
            buf.put(b, off, n);
            off += n;
            len -= n;
            if (!buf.hasRemaining()) submit();
        }
    }

    /** Writes the bytes between {@code src}'s position and limit; moves its position to the limit. */
    public void write(ByteBuffer src) throws IOException {
        while (src.hasRemaining()) {
            int n = Math.min(src.remaining(), buf.remaining());
            buf.put(buf.position(), src, src.position(), n);
            buf.position(buf.position() + n);
            src.position(src.position() + n);
            if (!buf.hasRemaining()) submit();
        }
    }

    /** Queues the full current buffer and moves to the next one, waiting for it if it is in flight. */
    private void submit() throws IOException {
        ByteBuffer out = buf.flip();
        long at = position;
        inFlight[current] = CompletableFuture.runAsync(() -> writeFully(out, at), IO);
        position += out.limit();
        current = (current + 1) % inFlight.length;
        await(current);
        buf = set.buffers[current].clear();
    }

    private void writeFully(ByteBuffer b, long at) {
        try {
            long p = at;
            while (b.hasRemaining()) p += channel.write(b, p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void await(int i) throws IOException {
        CompletableFuture<?> f = inFlight[i];
        if (f == null) return;
        inFlight[i] = null;
        try {
            f.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof UncheckedIOException u) throw u.getCause();
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw new IOException(e.getCause());
        }
    }

    private void awaitAll() throws IOException {
        IOException first = null;
        for (int i = 0; i < inFlight.length; i++) {
            try {
                await(i);
            } catch (IOException e) {
                if (first == null) first = e;
            }
        }
        if (first != null) throw first;
    }

    /**
     * Writes what is buffered, waits for every write, optionally fsyncs, and closes. The file then
     * holds exactly the bytes written.
     */
    public void finish(boolean fsync) throws IOException {
        if (finished) throw new IllegalStateException("finished already");
        finished = true;
        try {
            int tail = buf.position();
            long length = position + tail;
            if (tail > 0) {
                int padded = direct ? (tail + Buffers.ALIGN - 1) & -Buffers.ALIGN : tail;
                for (int i = tail; i < padded; i++) buf.put(i, (byte) 0);
                ByteBuffer out = buf.limit(padded).position(0);
                awaitAll();
                writeFully(out, position);
            } else {
                awaitAll();
            }
            if (direct && channel.size() != length) channel.truncate(length);
            if (fsync) channel.force(true);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        } finally {
            closeQuietly();
        }
    }

    /** Abandons the file (after a failure): waits for queued writes and closes; the caller deletes it. */
    @Override
    public void close() {
        if (finished) return;
        finished = true;
        try {
            awaitAll();
        } catch (IOException | RuntimeException ignored) {
            // abandoning: the caller removes the file
        }
        closeQuietly();
    }

    private void closeQuietly() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing left to lose: every write was awaited
        }
    }
}
