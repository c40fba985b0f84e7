package dev.forge.mirror;

import dev.forge.core.error.RemoteUnavailableException;
import dev.forge.core.port.BlobStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A short-lived lock on one remote ref: the blob {@code locks/<ref>} ({@code
 * locks/refs/heads/main}), held around the ref's conditional replace. The replace alone is a
 * compare-and-swap on stores that apply If-Match atomically (AWS S3, R2, Forge's folder store), as
 * the {@link BlobStore} contract requires; some S3-compatible servers check the ETag and then write
 * in two steps (S3Proxy's filesystem backend), and there two pushes could both win. The lock's first
 * create is atomic even there, but it changes hands by replace-if-unchanged after that, so on such a
 * server it narrows the window without closing it.
 *
 * <p>The blob is one line: {@code <nonce> <epoch-ms>} while held (the format every forge version has
 * written), {@code released <nonce>} once let go. The lock only ever changes hands by a conditional
 * write, so of several clients that find it free or stale exactly one gets it:
 *
 * <ul>
 *   <li>to take it: create it if absent; else read it, and if it is released, or held for longer
 *       than {@link #STALE} (its client died), replace it only if it is still the very version read
 *       (replace-if-unchanged with that version's token). A lock held by someone alive is waited
 *       for, up to {@link #WAIT}.
 *   <li>a create or replace whose answer was lost (and was retried, or given up on) is recognised
 *       by the nonce on the next read: that lock is ours.
 *   <li>to let go: replace our own version, and only it, with a released line. Nothing is deleted:
 *       a delete cannot be made conditional on every store (S3Proxy refuses If-Match on DELETE; R2
 *       documents conditional headers for writes only), and an unconditional one would remove a
 *       lock that another client had taken over meanwhile.
 * </ul>
 *
 * The lock is a lease: a holder is expected to be done within {@link #STALE} (it guards a single
 * conditional write). If it is not, another client may take the lock over; the holder's release
 * then finds the lock no longer its own and leaves it alone.
 *
 * <p>Older forge versions delete this lock when releasing it, and take a stale one over by deleting
 * it: they read {@code released <nonce>} as a stale lock (it has no time) and recreate it, so mixed
 * versions still work, but only clients of this version take locks over race-free.
 */
final class RefLock {
    static final Duration STALE = Duration.ofSeconds(30);
    static final Duration WAIT = Duration.ofSeconds(60);
    private static final String RELEASED = "released";

    private final BlobStore blobs;
    private final String name;
    private final String nonce;

    private RefLock(BlobStore blobs, String name, String nonce) {
        this.blobs = blobs;
        this.name = name;
        this.nonce = nonce;
    }

    /** What a lock blob says. A damaged or empty one reads as held since the epoch: stale. */
    private record State(boolean released, String nonce, long sinceMillis) {
        static State parse(byte[] data) {
            String[] parts = new String(data, StandardCharsets.US_ASCII).strip().split(" ");
            if (parts.length >= 2 && parts[0].equals(RELEASED)) return new State(true, parts[1], 0);
            long since = parts.length > 1 && parts[1].matches("\\d{1,18}") ? Long.parseLong(parts[1]) : 0;
            return new State(false, parts[0], since);
        }

        boolean heldBy(String nonce) {
            return !released && this.nonce.equals(nonce);
        }

        boolean free(Instant now) {
            return released || Instant.ofEpochMilli(sinceMillis).isBefore(now.minus(STALE));
        }
    }

    static RefLock acquire(BlobStore blobs, String refBlob) {
        String name = "locks/" + refBlob;
        byte[] r = new byte[16];
        ThreadLocalRandom.current().nextBytes(r);
        String nonce = HexFormat.of().formatHex(r);
        long deadline = System.nanoTime() + WAIT.toNanos();
        long sleep = 50;
        while (true) {
            byte[] mine = (nonce + " " + System.currentTimeMillis() + "\n").getBytes(StandardCharsets.US_ASCII);
            if (blobs.putIfAbsent(name, mine)) return new RefLock(blobs, name, nonce);
            Optional<BlobStore.Versioned> current = blobs.get(name);
            // Look again at once when the lock changed under us: deleted meanwhile (by an older forge),
            // or replaced by someone else first (or by our own replace, whose answer was lost).
            boolean changed = current.isEmpty();
            if (!changed) {
                State state = State.parse(current.get().data());
                if (state.heldBy(nonce)) return new RefLock(blobs, name, nonce);
                if (state.free(Instant.now())) {
                    if (blobs.replaceIfUnchanged(name, mine, current.get().token()))
                        return new RefLock(blobs, name, nonce);
                    changed = true;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new RemoteUnavailableException(
                        "the remote ref " + refBlob + " is locked by another push (" + blobs.describe() + "/" + name
                                + "); try again, or delete that lock if no push is running",
                        true);
            }
            if (changed) continue;
            try {
                Thread.sleep(sleep + ThreadLocalRandom.current().nextLong(sleep));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RemoteUnavailableException("interrupted while waiting for " + name, false);
            }
            sleep = Math.min(1000, sleep * 2);
        }
    }

    /**
     * Lets go: marks our own version released. Does nothing when the lock is no longer ours (taken
     * over after we held it past {@link #STALE}); a replace that fails was either our own release
     * whose answer was lost, or such a takeover, so it is not tried again.
     */
    void release() {
        Optional<BlobStore.Versioned> current = blobs.get(name);
        if (current.isEmpty() || !State.parse(current.get().data()).heldBy(nonce)) return;
        byte[] released = (RELEASED + " " + nonce + "\n").getBytes(StandardCharsets.US_ASCII);
        blobs.replaceIfUnchanged(name, released, current.get().token());
    }
}
