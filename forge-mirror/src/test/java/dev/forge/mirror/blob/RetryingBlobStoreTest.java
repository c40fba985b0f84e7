package dev.forge.mirror.blob;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forge.core.error.NotFoundException;
import dev.forge.core.error.RemoteUnavailableException;
import dev.forge.core.port.BlobStore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The retry rules: retryable failures are tried again with every wait reported; a stretch of
 * failures gives up after the policy's timeout, announced waits excluded; a server's Retry-After is
 * honoured up to maxWait in total, and a longer one gives up at once; nothing else is retried.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RetryingBlobStoreTest {
    final List<RetryListener.Retry> heard = new CopyOnWriteArrayList<>();
    final AtomicInteger calls = new AtomicInteger();

    /** A store whose {@code get(name)} runs {@code script} with the call number (1, 2, ...). */
    BlobStore scripted(IntFunction<Optional<BlobStore.Versioned>> script) {
        return new BlobStore() {
            @Override
            public Optional<Versioned> get(String name) {
                return script.apply(calls.incrementAndGet());
            }

            @Override
            public void put(String name, byte[] data) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void put(String name, Path file) {
                throw new UnsupportedOperationException();
            }

            @Override
            public byte[] get(String name, long offset, int length) {
                throw new UnsupportedOperationException();
            }

            @Override
            public Optional<BlobInfo> stat(String name) {
                throw new UnsupportedOperationException();
            }

            @Override
            public List<BlobInfo> list(String prefix) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void delete(String name) {
                throw new UnsupportedOperationException();
            }

            @Override
            public boolean putIfAbsent(String name, byte[] data) {
                throw new UnsupportedOperationException();
            }

            @Override
            public boolean replaceIfUnchanged(String name, byte[] data, String expectedToken) {
                throw new UnsupportedOperationException();
            }

            @Override
            public String describe() {
                return "scripted";
            }

            @Override
            public void close() {}
        };
    }

    RetryingBlobStore retrying(BlobStore inner, RetryPolicy policy) {
        return new RetryingBlobStore(inner, policy, heard::add);
    }

    static RetryPolicy policy(int attempts, Duration timeout, Duration maxWait) {
        return new RetryPolicy(attempts, Duration.ofMillis(1), Duration.ofMillis(20), timeout, maxWait, 1 << 20);
    }

    static final Optional<BlobStore.Versioned> FOUND = Optional.of(new BlobStore.Versioned(new byte[] {1}, "t"));

    static RemoteUnavailableException dropped() {
        return new RemoteUnavailableException("cannot read config in scripted: connection reset", true);
    }

    static RemoteUnavailableException busy(Duration retryAfter) {
        return new RemoteUnavailableException(
                "cannot read config in scripted: HTTP 503 SlowDown", true, retryAfter, null);
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void retryableFailuresAreTriedAgainAndEveryWaitIsReported() {
        BlobStore s = retrying(
                scripted(n -> {
                    if (n < 3) throw dropped();
                    return FOUND;
                }),
                RetryPolicy.standard());
        assertEquals(FOUND, s.get("config"));
        assertEquals(3, calls.get());
        assertEquals(2, heard.size(), heard::toString);
        assertEquals(2, heard.get(0).nextAttempt());
        assertEquals(3, heard.get(1).nextAttempt());
        assertEquals(10, heard.get(1).attempts());
        assertFalse(heard.get(0).serverAsked());
        assertTrue(heard.get(0).reason().contains("connection reset"), heard::toString);
    }

    @Test
    void aServerThatStopsAnsweringIsGivenUpOnAfterTheTimeout() {
        // Each attempt "waits for an answer" 400 ms; the timeout is 1 s, so far fewer than 10 attempts run.
        BlobStore s = retrying(
                scripted(n -> {
                    sleep(400);
                    throw dropped();
                }),
                policy(10, Duration.ofSeconds(1), Duration.ofSeconds(120)));
        RemoteUnavailableException e = assertThrows(RemoteUnavailableException.class, () -> s.get("config"));
        assertFalse(e.retryable(), "a give-up is final");
        assertTrue(
                e.getMessage().contains("gave up after") && e.getMessage().contains(RetryPolicy.TIMEOUT_SETTING),
                e.getMessage());
        assertTrue(calls.get() >= 2 && calls.get() < 10, "calls: " + calls.get());
        assertEquals(calls.get() - 1, heard.size());
    }

    @Test
    void theAttemptsAreBoundedToo() {
        BlobStore s = retrying(
                scripted(n -> {
                    throw dropped();
                }),
                policy(3, Duration.ofSeconds(30), Duration.ofSeconds(120)));
        RemoteUnavailableException e = assertThrows(RemoteUnavailableException.class, () -> s.get("config"));
        assertTrue(e.getMessage().contains("gave up after 3 attempts"), e.getMessage());
        assertEquals(3, calls.get());
    }

    @Test
    void announcedWaitsAreHonouredAndNotChargedToTheTimeout() {
        // Three announced waits of 600 ms: 1.8 s in all, more than the 1 s timeout, and still fine.
        BlobStore s = retrying(
                scripted(n -> {
                    if (n <= 3) throw busy(Duration.ofMillis(600));
                    return FOUND;
                }),
                policy(10, Duration.ofSeconds(1), Duration.ofSeconds(120)));
        assertEquals(FOUND, s.get("config"));
        assertEquals(3, heard.size());
        for (RetryListener.Retry r : heard) {
            assertTrue(r.serverAsked(), heard::toString);
            assertEquals(Duration.ofMillis(600), r.delay());
        }
    }

    @Test
    void aLongerAnnouncedWaitThanMaxWaitGivesUpAtOnce() {
        BlobStore s = retrying(
                scripted(n -> {
                    throw busy(Duration.ofHours(1));
                }),
                RetryPolicy.standard());
        RemoteUnavailableException e = assertThrows(RemoteUnavailableException.class, () -> s.get("config"));
        assertFalse(e.retryable());
        assertTrue(
                e.getMessage().contains("3600 s") && e.getMessage().contains(RetryPolicy.MAX_WAIT_SETTING),
                e.getMessage());
        assertEquals(1, calls.get());
        assertTrue(heard.isEmpty(), heard::toString);
    }

    @Test
    void maxWaitBoundsTheAnnouncedWaitsOfOneRequestInTotal() {
        BlobStore s = retrying(
                scripted(n -> {
                    throw busy(Duration.ofMillis(600));
                }),
                policy(10, Duration.ofSeconds(30), Duration.ofSeconds(1)));
        RemoteUnavailableException e = assertThrows(RemoteUnavailableException.class, () -> s.get("config"));
        assertTrue(e.getMessage().contains(RetryPolicy.MAX_WAIT_SETTING), e.getMessage());
        assertEquals(2, calls.get(), "600 ms once, then 1200 ms in all is over the 1 s allowed");
    }

    @Test
    void otherFailuresPassThroughAtOnce() {
        BlobStore denied = retrying(
                scripted(n -> {
                    throw new RemoteUnavailableException("access denied", false);
                }),
                RetryPolicy.standard());
        assertThrows(RemoteUnavailableException.class, () -> denied.get("config"));
        BlobStore missing = retrying(
                scripted(n -> {
                    throw new NotFoundException("no such blob");
                }),
                RetryPolicy.standard());
        assertThrows(NotFoundException.class, () -> missing.get("config"));
        assertEquals(2, calls.get());
        assertTrue(heard.isEmpty());
    }

    @Test
    void retryAfterIsSecondsOrAnHttpDate() {
        Instant now = Instant.parse("2025-01-01T00:00:00Z");
        assertEquals(Duration.ofSeconds(5), RetryAfter.parse(" 5 ", now));
        assertEquals(Duration.ofSeconds(90), RetryAfter.parse("Wed, 01 Jan 2025 00:01:30 GMT", now));
        assertEquals(Duration.ZERO, RetryAfter.parse("Tue, 31 Dec 2024 23:00:00 GMT", now));
        assertEquals(null, RetryAfter.parse("soon", now));
        assertEquals(null, RetryAfter.parse("-3", now));
    }
}
