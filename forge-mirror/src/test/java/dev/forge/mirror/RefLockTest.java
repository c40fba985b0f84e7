package dev.forge.mirror;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forge.core.error.RemoteUnavailableException;
import dev.forge.core.port.BlobStore;
import dev.forge.mirror.blob.FileBlobStore;
import dev.forge.mirror.blob.ForwardingBlobStore;
import dev.forge.mirror.blob.RetryingBlobStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link RefLock}'s life cycle, one client at a time; {@link LockTakeoverRaceTest} races them. */
class RefLockTest {
    static final String LOCK = "locks/refs/heads/main";

    @TempDir
    Path tmp;

    private FileBlobStore store() {
        return new FileBlobStore(tmp.resolve("remote"));
    }

    private static String text(BlobStore s) {
        return new String(s.get(LOCK).orElseThrow().data(), StandardCharsets.US_ASCII);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void releaseLeavesAReleasedLineThatTheNextClientTakes() {
        FileBlobStore s = store();
        RefLock a = RefLock.acquire(s, "refs/heads/main");
        String held = text(s);
        assertTrue(held.matches("[0-9a-f]{32} \\d+\n"), held);
        a.release();
        String nonce = held.substring(0, 32);
        assertEquals("released " + nonce + "\n", text(s));
        RefLock b = RefLock.acquire(s, "refs/heads/main");
        assertFalse(text(s).startsWith("released"), "taken again");
        b.release();
        assertTrue(text(s).startsWith("released "));
    }

    @Test
    void aStaleOrDamagedLockIsTakenOver() {
        FileBlobStore s = store();
        s.put(LOCK, LockContender.staleLockBody());
        RefLock a = RefLock.acquire(s, "refs/heads/main");
        a.release();
        s.put(LOCK, ascii("garbage\n"));
        RefLock b = RefLock.acquire(s, "refs/heads/main");
        assertTrue(text(s).matches("[0-9a-f]{32} \\d+\n"));
        b.release();
    }

    /** A holder that outlived its lease and was taken over leaves the new holder's lock alone. */
    @Test
    void releaseTouchesOnlyItsOwnLock() {
        FileBlobStore s = store();
        RefLock late = RefLock.acquire(s, "refs/heads/main");
        String other = "0123456789abcdef0123456789abcdef " + System.currentTimeMillis() + "\n";
        s.put(LOCK, ascii(other)); // what a takeover after STALE leaves
        late.release();
        assertEquals(other, text(s));
    }

    /** A fresh lock of another live client (this version's or an older forge's) is waited for, not taken. */
    @Test
    void aFreshLockIsWaitedFor() throws Exception {
        FileBlobStore files = store();
        String other = "0123456789abcdef0123456789abcdef " + System.currentTimeMillis() + "\n";
        files.put(LOCK, ascii(other));
        CountDownLatch lookedTwice = new CountDownLatch(2);
        AtomicBoolean otherReleased = new AtomicBoolean();
        AtomicInteger writesWhileHeld = new AtomicInteger();
        BlobStore watched = new ForwardingBlobStore(files) {
            @Override
            public java.util.Optional<Versioned> get(String name) {
                var v = super.get(name);
                lookedTwice.countDown();
                return v;
            }

            @Override
            public boolean replaceIfUnchanged(String name, byte[] data, String token) {
                if (!otherReleased.get()) writesWhileHeld.incrementAndGet();
                return super.replaceIfUnchanged(name, data, token);
            }
        };
        CompletableFuture<RefLock> waiting =
                CompletableFuture.supplyAsync(() -> RefLock.acquire(watched, "refs/heads/main"));
        assertTrue(lookedTwice.await(30, TimeUnit.SECONDS), "the waiter reads the lock again and again");
        String token = files.get(LOCK).orElseThrow().token();
        otherReleased.set(true);
        assertTrue(files.replaceIfUnchanged(LOCK, ascii("released 0123456789abcdef0123456789abcdef\n"), token));
        RefLock mine = waiting.get(60, TimeUnit.SECONDS);
        assertEquals(0, writesWhileHeld.get(), "nothing was written while the other client held the lock");
        mine.release();
    }

    /** A store that makes its first writes but loses their answers: the caller sees a dropped connection. */
    private static final class LosesAnswers extends ForwardingBlobStore {
        final AtomicInteger creates = new AtomicInteger();
        final AtomicInteger replaces = new AtomicInteger();

        LosesAnswers(BlobStore inner, int creates, int replaces) {
            super(inner);
            this.creates.set(creates);
            this.replaces.set(replaces);
        }

        @Override
        public boolean putIfAbsent(String name, byte[] data) {
            boolean done = super.putIfAbsent(name, data);
            if (done && creates.getAndDecrement() > 0) throw new RemoteUnavailableException("connection reset", true);
            return done;
        }

        @Override
        public boolean replaceIfUnchanged(String name, byte[] data, String token) {
            boolean done = super.replaceIfUnchanged(name, data, token);
            if (done && replaces.getAndDecrement() > 0) throw new RemoteUnavailableException("connection reset", true);
            return done;
        }
    }

    private static BlobStore retrying(BlobStore s) {
        return new RetryingBlobStore(s, 5, Duration.ofMillis(1), Duration.ofMillis(2));
    }

    @Test
    void aCreateWhoseAnswerWasLostIsRecognisedAsOurs() {
        FileBlobStore files = store();
        RefLock lock = RefLock.acquire(retrying(new LosesAnswers(files, 1, 0)), "refs/heads/main");
        String held = text(files);
        lock.release();
        assertEquals("released " + held.substring(0, 32) + "\n", text(files));
    }

    @Test
    void aTakeoverAndAReleaseWhoseAnswersWereLostAreRecognised() {
        FileBlobStore files = store();
        files.put(LOCK, LockContender.staleLockBody());
        LosesAnswers lossy = new LosesAnswers(files, 0, 2);
        RefLock lock = RefLock.acquire(retrying(lossy), "refs/heads/main");
        String held = text(files);
        assertTrue(held.matches("[0-9a-f]{32} \\d+\n"), held);
        lock.release();
        assertEquals("released " + held.substring(0, 32) + "\n", text(files));
        assertEquals(0, lossy.replaces.get(), "both answers were lost");
    }

    /** An older forge deletes the lock when it lets go: the blob's absence is a free lock. */
    @Test
    void aLockDeletedByAnOlderForgeIsCreatedAgain() {
        FileBlobStore files = store();
        RefLock a = RefLock.acquire(files, "refs/heads/main");
        a.release();
        files.delete(LOCK);
        RefLock b = RefLock.acquire(files, "refs/heads/main");
        assertTrue(text(files).matches("[0-9a-f]{32} \\d+\n"));
        b.release();
    }
}
