package dev.forge.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A POSIX record lock on {@code .forge/index/LOCK}, the file RocksDB itself locks (fcntl, exclusive)
 * when it opens the database read-write. The JDK locks with the same fcntl call, so the two exclude
 * each other across processes:
 *
 * <ul>
 *   <li>{@link #shared}: taken by a read-only opening. Readers share it; a writer (another forge
 *       process opening read-write, gc, an index rebuild) waits until every reader is done, and a
 *       reader waits for a writer. So a reader never sees packs or table files vanish under it.
 *   <li>{@link #exclusive}: taken by an index rebuild, which must keep every other opener out while
 *       it replaces the database.
 * </ul>
 *
 * <p>Where the lock cannot be taken at all (no LOCK file, a file system without record locks) a
 * shared lock is skipped: that happens on read-only mounts, where no process can write through the
 * mount, so there is no local writer to exclude.
 */
final class IndexLock implements AutoCloseable {
    static final String FILE = "LOCK";

    private final FileChannel channel;
    private final FileLock lock;

    private IndexLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Waits until {@code deadlineNanos} for a shared lock; a no-op lock where none can be taken. */
    static IndexLock shared(Path indexDir, long deadlineNanos) {
        FileChannel ch;
        try {
            ch = FileChannel.open(indexDir.resolve(FILE), StandardOpenOption.READ);
        } catch (IOException e) {
            return new IndexLock(null, null);
        }
        return take(ch, true, deadlineNanos);
    }

    /** Waits until {@code deadlineNanos} for the exclusive lock (creating the LOCK file if needed). */
    static IndexLock exclusive(Path indexDir, long deadlineNanos) throws IOException {
        FileChannel ch;
        try {
            ch = FileChannel.open(
                    indexDir.resolve(FILE),
                    StandardOpenOption.CREATE,
                    StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
        } catch (NoSuchFileException e) {
            return new IndexLock(null, null); // no index folder at all: nobody can open it
        }
        return take(ch, false, deadlineNanos);
    }

    private static IndexLock take(FileChannel ch, boolean shared, long deadlineNanos) {
        try {
            while (true) {
                FileLock l;
                try {
                    l = ch.tryLock(0, Long.MAX_VALUE, shared);
                } catch (OverlappingFileLockException e) {
                    // This JVM holds it already (a reader beside a writer of the same process in tests,
                    // or a rebuild reading the old index): the process-wide lock is held either way.
                    return new IndexLock(ch, null);
                }
                if (l != null) return new IndexLock(ch, l);
                if (System.nanoTime() >= deadlineNanos) {
                    closeQuietly(ch);
                    throw RocksIndex.busy();
                }
                RocksIndex.sleep(50);
            }
        } catch (IOException e) {
            // No record locks on this file system (some network mounts): nothing to exclude with.
            return new IndexLock(ch, null);
        } catch (RuntimeException e) {
            closeQuietly(ch);
            throw e;
        }
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // read-only handle
        }
    }

    @Override
    public void close() {
        try {
            if (lock != null) lock.release();
        } catch (IOException ignored) {
            // closing the channel releases it too
        }
        if (channel != null) closeQuietly(channel);
    }
}
