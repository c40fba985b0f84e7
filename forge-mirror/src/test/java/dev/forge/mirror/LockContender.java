package dev.forge.mirror;

import dev.forge.core.error.RemoteUnavailableException;
import dev.forge.core.port.BlobStore;
import dev.forge.mirror.blob.FileBlobStore;
import dev.forge.mirror.blob.ForwardingBlobStore;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * One contender of {@link LockTakeoverRaceTest}, run as a JVM of its own. It writes {@code R <id>} to
 * the shared log, waits at the gate (a file the test holds an exclusive lock on) so that every
 * contender starts at once, then:
 *
 * <ul>
 *   <li>{@code ref REMOTE LOG GATE ID HOLDS HOLD_MS THREADS}: THREADS threads each take the {@link
 *       RefLock} of {@code refs/heads/main} HOLDS times, through a store a few milliseconds away
 *       ({@link Slow}), writing {@code E <id>.<thread>} when they have it and {@code X <id>.<thread>}
 *       before they let go. Each releases it only the last time: before, it abandons it, as a client
 *       that died holding it long ago, so that most holds begin with a race to take over a stale
 *       lock.
 *   <li>{@code file REMOTE LOG GATE ID INCREMENTS}: adds one to the blob {@code counter} INCREMENTS
 *       times with read and replace-if-unchanged, writing {@code I <id>} after each replace that
 *       succeeded, and planting before each try, when there is none, the {@code counter.lock} file of
 *       a writer that crashed long ago.
 * </ul>
 *
 * Every line goes to the log with one O_APPEND write, so the log's order is the order in which they
 * happened. Exit 0 with {@code D <id>} when done; exit 3 with {@code F <id> <message>} when the lock
 * could not be had in time (a clean failure); anything else is a bug.
 */
public final class LockContender {
    private LockContender() {}

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        Path remote = Path.of(args[1]);
        Path log = Path.of(args[2]);
        Path gate = Path.of(args[3]);
        String id = args[4];
        try (FileChannel out = FileChannel.open(log, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            line(out, "R " + id);
            try (FileChannel g = FileChannel.open(gate, StandardOpenOption.READ)) {
                g.lock(0, Long.MAX_VALUE, true).release();
            }
            try (BlobStore blobs = new FileBlobStore(remote)) {
                if (mode.equals("ref")) {
                    int holds = Integer.parseInt(args[5]);
                    long holdMillis = Long.parseLong(args[6]);
                    int threads = Integer.parseInt(args[7]);
                    inThreads(threads, t -> holdRefLock(new Slow(blobs), out, id + "." + t, holds, holdMillis));
                } else {
                    increment(blobs, out, id, remote.resolve("counter.lock"), Integer.parseInt(args[5]));
                }
            } catch (RemoteUnavailableException e) {
                line(out, "F " + id + " " + e.getMessage());
                System.exit(3);
            }
            line(out, "D " + id);
        }
    }

    private interface Task {
        void run(int thread) throws Exception;
    }

    /** Runs {@code task} in {@code threads} threads at once; rethrows the first failure. */
    private static void inThreads(int threads, Task task) throws Exception {
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<?>> all = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                all.add(pool.submit(() -> {
                    task.run(thread);
                    return null;
                }));
            }
            for (Future<?> f : all) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof Exception x) throw x;
                    throw e;
                }
            }
        }
    }

    private static void holdRefLock(BlobStore blobs, FileChannel out, String id, int holds, long holdMillis)
            throws Exception {
        for (int i = 0; i < holds; i++) {
            RefLock lock = RefLock.acquire(blobs, "refs/heads/main");
            line(out, "E " + id);
            Thread.sleep(holdMillis);
            line(out, "X " + id);
            if (i < holds - 1) blobs.put("locks/refs/heads/main", staleLockBody());
            else lock.release();
        }
    }

    /** The lock of a client that died ten minutes ago (the holder line format every forge writes). */
    static byte[] staleLockBody() {
        byte[] nonce = new byte[16];
        ThreadLocalRandom.current().nextBytes(nonce);
        return (java.util.HexFormat.of().formatHex(nonce) + " "
                        + Instant.now().minusSeconds(600).toEpochMilli() + "\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    private static void increment(BlobStore blobs, FileChannel out, String id, Path lockFile, int increments)
            throws IOException {
        for (int i = 0; i < increments; i++) {
            while (true) {
                try {
                    Files.createFile(lockFile);
                    Files.setLastModifiedTime(
                            lockFile, FileTime.from(Instant.now().minusSeconds(600)));
                } catch (FileAlreadyExistsException held) {
                    // someone holds it, or an earlier planted one is still there
                }
                BlobStore.Versioned v = blobs.get("counter").orElseThrow();
                long n = Long.parseLong(new String(v.data(), StandardCharsets.US_ASCII));
                byte[] next = Long.toString(n + 1).getBytes(StandardCharsets.US_ASCII);
                if (blobs.replaceIfUnchanged("counter", next, v.token())) {
                    line(out, "I " + id);
                    break;
                }
            }
        }
    }

    /**
     * A remote a few milliseconds away, as a NAS or a bucket is: every call waits 0 to 20 ms first. The
     * delay changes no outcome, it only gives the contenders' calls room to interleave as they do over
     * a network (on a local disk a read and the delete after it are microseconds apart).
     */
    static final class Slow extends ForwardingBlobStore {
        Slow(BlobStore inner) {
            super(inner);
        }

        @Override
        protected <T> T forward(Supplier<T> call) {
            try {
                Thread.sleep(ThreadLocalRandom.current().nextLong(21));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return call.get();
        }
    }

    private static void line(FileChannel out, String s) throws IOException {
        ByteBuffer b = ByteBuffer.wrap((s + "\n").getBytes(StandardCharsets.UTF_8));
        while (b.hasRemaining()) out.write(b);
    }
}
