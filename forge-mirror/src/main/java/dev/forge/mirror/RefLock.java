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
 * A short-lived lock on one remote ref, {@code locks/<ref>}, taken with create-if-absent around the
 * ref's conditional replace. The replace alone is a compare-and-swap on stores that apply If-Match
 * atomically (AWS S3, R2, Forge's folder store); some S3-compatible servers check the ETag and then
 * write in two steps (S3Proxy's filesystem backend), and there two pushes could both win. Create-if-
 * absent is atomic on all of them, so holding this lock makes the swap safe everywhere.
 *
 * <p>The lock names its holder ({@code <nonce> <epoch-millis>}), so a create whose answer was lost
 * is recognised as our own on the retry. A lock older than {@link #STALE} was left by a client that
 * died; it is removed.
 */
final class RefLock {
    static final Duration STALE = Duration.ofSeconds(30);
    static final Duration WAIT = Duration.ofSeconds(60);

    private final BlobStore blobs;
    private final String name;
    private final String nonce;

    private RefLock(BlobStore blobs, String name, String nonce) {
        this.blobs = blobs;
        this.name = name;
        this.nonce = nonce;
    }

    static RefLock acquire(BlobStore blobs, String refBlob) {
        String name = "locks/" + refBlob;
        byte[] r = new byte[16];
        ThreadLocalRandom.current().nextBytes(r);
        String nonce = HexFormat.of().formatHex(r);
        long deadline = System.nanoTime() + WAIT.toNanos();
        long sleep = 50;
        while (true) {
            byte[] body = (nonce + " " + System.currentTimeMillis() + "\n").getBytes(StandardCharsets.US_ASCII);
            if (blobs.putIfAbsent(name, body)) return new RefLock(blobs, name, nonce);
            Optional<BlobStore.Versioned> held = blobs.get(name);
            if (held.isPresent()) {
                String[] parts = new String(held.get().data(), StandardCharsets.US_ASCII)
                        .strip()
                        .split(" ");
                if (parts[0].equals(nonce)) return new RefLock(blobs, name, nonce);
                long since = parts.length > 1 && parts[1].matches("\\d{1,19}") ? Long.parseLong(parts[1]) : 0;
                if (Instant.ofEpochMilli(since).isBefore(Instant.now().minus(STALE))) {
                    blobs.delete(name);
                    continue;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new RemoteUnavailableException(
                        "the remote ref " + refBlob + " is locked by another push (" + blobs.describe() + "/" + name
                                + "); try again, or delete that lock if no push is running",
                        true);
            }
            try {
                Thread.sleep(sleep + ThreadLocalRandom.current().nextLong(sleep));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RemoteUnavailableException("interrupted while waiting for " + name, false);
            }
            sleep = Math.min(1000, sleep * 2);
        }
    }

    void release() {
        blobs.delete(name);
    }
}
