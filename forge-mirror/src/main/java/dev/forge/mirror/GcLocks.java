package dev.forge.mirror;

import dev.forge.core.error.RemoteUnavailableException;
import dev.forge.core.error.RepositoryBusyException;
import dev.forge.core.port.BlobStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The locks of remote garbage collection (docs/format.md, "Garbage collection"), in the manner of
 * restic's prune: every push holds a shared lease {@code gc/pushes/<nonce>} from before it reads the
 * remote's refs and indexes until after it moved its ref; a gc holds the exclusive {@code gc/lock}
 * for its whole run, in phase {@code mark} while it reads and adds (pushes go on), and switches it to
 * phase {@code delete} only to delete. Each side writes its own lock first and then reads the other's
 * (a push: put its lease, then read {@code gc/lock}; a gc: write phase {@code delete}, then list the
 * leases). The store is linearizable, so at least one of two sides that overlap sees the other: a push
 * that sees {@code delete} drops its lease and waits; a gc that sees a live lease waits for it to go.
 * So nothing is deleted while a push that may rely on it runs.
 *
 * <p>Locks carry the holder's time (epoch ms) and are refreshed every {@link #REFRESH}; one not
 * refreshed for {@link #STALE} belongs to a client that died and is ignored (a gc lock is taken over).
 * A holder that could not refresh for half of {@link #STALE} stops before it relies on its lock
 * ({@link Lease#checkFresh}): a push before it moves its ref, a gc before each delete.
 */
final class GcLocks {
    /** The remote writer feature: every push holds a lease, and gc follows this protocol. */
    static final String FEATURE = "gc";

    static final String GC_LOCK = "gc/lock";
    static final String PUSHES = "gc/pushes/";
    static final String MARK = "mark";
    static final String DELETE = "delete";
    private static final String RELEASED = "released";

    static final Duration STALE = Duration.ofMinutes(5);
    static final Duration REFRESH = Duration.ofSeconds(20);
    /** How long a push waits for a gc's delete phase, and a gc for running pushes. */
    static final Duration WAIT = Duration.ofMinutes(10);

    private GcLocks() {}

    static String nonce() {
        byte[] r = new byte[16];
        ThreadLocalRandom.current().nextBytes(r);
        return HexFormat.of().formatHex(r);
    }

    /** What {@code gc/lock} says: held by {@code nonce} since {@code millis} in {@code phase}, or released. */
    record GcState(boolean released, String nonce, long millis, String phase) {
        static GcState parse(byte[] data) {
            String[] p = new String(data, StandardCharsets.US_ASCII).strip().split(" ");
            if (p.length >= 2 && p[0].equals(RELEASED)) return new GcState(true, p[1], 0, "");
            long t = p.length > 1 && p[1].matches("\\d{1,18}") ? Long.parseLong(p[1]) : 0;
            // A damaged lock reads as a deleting gc that has been dead since the epoch: stale.
            return new GcState(false, p[0], t, p.length > 2 ? p[2] : DELETE);
        }

        boolean stale(long nowMillis) {
            return released || millis < nowMillis - STALE.toMillis();
        }
    }

    /**
     * A lock held and refreshed by a daemon thread. {@link #checkFresh} throws once the last refresh is
     * older than half of {@link #STALE}, or another client took the lock over.
     */
    abstract static class Lease implements AutoCloseable {
        private volatile long refreshed = System.nanoTime();
        private volatile boolean lost;
        private volatile boolean closed;
        private Thread refresher;

        final void start(String what) {
            refresher = Thread.ofPlatform()
                    .daemon()
                    .name("forge-" + what + "-lease")
                    .start(() -> {
                        while (!closed) {
                            try {
                                Thread.sleep(REFRESH.toMillis());
                            } catch (InterruptedException e) {
                                return;
                            }
                            if (closed) return;
                            try {
                                if (refresh()) refreshed = System.nanoTime();
                                else lost = true;
                            } catch (RuntimeException e) {
                                // A failed refresh is tried again; checkFresh stops the holder if it stays failing.
                            }
                        }
                    });
        }

        /** Writes the lock again with the current time; false when it is no longer ours. */
        abstract boolean refresh();

        abstract void release();

        /** Throws (retryable) when the lock may no longer protect its holder. */
        void checkFresh(String what) {
            if (lost || System.nanoTime() - refreshed > STALE.toNanos() / 2) {
                throw new RemoteUnavailableException(
                        "the " + what + " lost its gc lock on the remote (it could not be refreshed in time);"
                                + " nothing more was changed: run it again",
                        true);
            }
        }

        void refreshed() {
            refreshed = System.nanoTime();
        }

        @Override
        public final void close() {
            closed = true;
            if (refresher != null) refresher.interrupt();
            release();
        }
    }

    /** A push's lease on a remote without the gc feature: nothing to hold. */
    static final Lease NONE = new Lease() {
        @Override
        boolean refresh() {
            return true;
        }

        @Override
        void release() {}

        @Override
        void checkFresh(String what) {}
    };

    /**
     * Takes a push's shared lease (a remote that uses the feature {@value #FEATURE}): puts {@code
     * gc/pushes/<nonce>}, then reads {@code gc/lock}; while a live gc is in its delete phase, drops
     * the lease and waits, up to {@link #WAIT} (then exit 11, busy).
     */
    static Lease push(Remote remote) {
        boolean gc =
                remote.config().map(c -> c.writerFeatures().contains(FEATURE)).orElse(false);
        if (!gc) return NONE;
        BlobStore blobs = remote.blobs();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            String name = PUSHES + nonce();
            blobs.put(name, stamp());
            Optional<BlobStore.Versioned> g = blobs.get(GC_LOCK);
            GcState s = g.map(v -> GcState.parse(v.data())).orElse(null);
            if (s == null || !DELETE.equals(s.phase()) || s.stale(System.currentTimeMillis())) {
                Lease lease = new Lease() {
                    private boolean released;

                    // Both synchronized: a refresh still under way when the push ends must not put the
                    // lease back after its delete (a gc would then wait for a push that is gone).
                    @Override
                    synchronized boolean refresh() {
                        if (released) return true;
                        blobs.put(name, stamp());
                        return true;
                    }

                    @Override
                    synchronized void release() {
                        released = true;
                        blobs.delete(name);
                    }
                };
                lease.start("push");
                return lease;
            }
            blobs.delete(name);
            if (System.nanoTime() > deadline) {
                throw new RepositoryBusyException("the remote " + remote.describe()
                        + " is being garbage collected (gc/lock, phase delete) for longer than "
                        + WAIT.toMinutes() + " minutes; try again later");
            }
            sleep(500 + ThreadLocalRandom.current().nextLong(1000));
        }
    }

    private static byte[] stamp() {
        return (System.currentTimeMillis() + "\n").getBytes(StandardCharsets.US_ASCII);
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RemoteUnavailableException("interrupted", false);
        }
    }

    /** The gc's exclusive lock, {@code gc/lock}, with its phase. */
    static final class GcLock extends Lease {
        private final BlobStore blobs;
        private final String nonce = nonce();
        private String token;
        private String phase = MARK;

        private GcLock(BlobStore blobs) {
            this.blobs = blobs;
        }

        private byte[] line(String phase) {
            return (nonce + " " + System.currentTimeMillis() + " " + phase + "\n").getBytes(StandardCharsets.US_ASCII);
        }

        /** Takes {@code gc/lock} in phase mark, or refuses (exit 11) while another live gc holds it. */
        static GcLock acquire(BlobStore blobs) {
            GcLock l = new GcLock(blobs);
            boolean taken = blobs.putIfAbsent(GC_LOCK, l.line(MARK));
            if (!taken) {
                BlobStore.Versioned v = blobs.get(GC_LOCK).orElse(null);
                if (v != null) {
                    GcState s = GcState.parse(v.data());
                    if (!s.stale(System.currentTimeMillis())) {
                        throw new RepositoryBusyException("another gc is running on " + blobs.describe()
                                + " (gc/lock, since " + java.time.Instant.ofEpochMilli(s.millis())
                                + "); try again later");
                    }
                    taken = blobs.replaceIfUnchanged(GC_LOCK, l.line(MARK), v.token());
                } else {
                    taken = blobs.putIfAbsent(GC_LOCK, l.line(MARK));
                }
            }
            if (!taken || !l.readBack()) {
                throw new RepositoryBusyException(
                        "another gc took " + blobs.describe() + "/gc/lock first; try again later");
            }
            l.start("gc");
            return l;
        }

        /** Reads the lock; true (and keeps its token) when it is ours. */
        private boolean readBack() {
            BlobStore.Versioned v = blobs.get(GC_LOCK).orElse(null);
            if (v == null) return false;
            GcState s = GcState.parse(v.data());
            if (s.released() || !s.nonce().equals(nonce)) return false;
            token = v.token();
            return true;
        }

        @Override
        synchronized boolean refresh() {
            return write(phase);
        }

        private boolean write(String p) {
            if (token == null) return false;
            if (!blobs.replaceIfUnchanged(GC_LOCK, line(p), token)) {
                token = null;
                return false;
            }
            return readBack();
        }

        /** Switches the phase (mark or delete); throws when the lock was lost. */
        synchronized void phase(String p) {
            if (!write(p)) {
                throw new RemoteUnavailableException(
                        "gc lost " + blobs.describe() + "/gc/lock (taken over by another gc); nothing more was changed",
                        true);
            }
            phase = p;
            refreshed();
        }

        @Override
        synchronized void release() {
            if (token == null) return;
            blobs.replaceIfUnchanged(
                    GC_LOCK, (RELEASED + " " + nonce + "\n").getBytes(StandardCharsets.US_ASCII), token);
            token = null;
        }
    }

    /** The push leases that are alive now (refreshed within {@link #STALE}). */
    static int livePushes(BlobStore blobs) {
        int n = 0;
        long now = System.currentTimeMillis();
        for (BlobStore.BlobInfo b : blobs.list(PUSHES)) {
            Optional<BlobStore.Versioned> v = blobs.get(b.name());
            if (v.isEmpty()) continue;
            String t = new String(v.get().data(), StandardCharsets.US_ASCII).strip();
            long millis = t.matches("\\d{1,18}") ? Long.parseLong(t) : 0;
            if (millis >= now - STALE.toMillis()) n++;
            else blobs.delete(b.name()); // its push died: nobody will remove it otherwise
        }
        return n;
    }
}
