package dev.forge.mirror.blob;

import dev.forge.core.error.RemoteUnavailableException;
import dev.forge.core.port.BlobStore;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * Retries a blob store's calls that failed with a retryable {@link RemoteUnavailableException} (a
 * dropped connection, 429, 503 SlowDown, other 5xx), with exponential backoff and full jitter: the
 * n-th retry waits a random time in [0, min(cap, base * 2^n)). Anything else (a missing blob, 403, a
 * damaged range, a read-only remote) is passed through at once.
 *
 * <p>Every {@link BlobStore} operation is safe to repeat: puts are idempotent, and a conditional
 * write whose answer was lost is judged by its caller (which re-reads the ref or lock it tried to
 * move and recognises its own).
 */
public final class RetryingBlobStore extends ForwardingBlobStore {
    private final int attempts;
    private final Duration base;
    private final Duration cap;

    public RetryingBlobStore(BlobStore inner, int attempts, Duration base, Duration cap) {
        super(inner);
        if (attempts < 1) throw new IllegalArgumentException("attempts must be >= 1, got " + attempts);
        this.attempts = attempts;
        this.base = base;
        this.cap = cap;
    }

    /** Ten attempts, 100 ms doubling to 10 s: rides out about a minute of trouble. */
    public static RetryingBlobStore standard(BlobStore inner) {
        return new RetryingBlobStore(inner, 10, Duration.ofMillis(100), Duration.ofSeconds(10));
    }

    @Override
    protected <T> T forward(Supplier<T> call) {
        for (int attempt = 0; ; attempt++) {
            try {
                return call.get();
            } catch (RemoteUnavailableException e) {
                if (!e.retryable() || attempt + 1 >= attempts) throw e;
                long ceiling = Math.min(cap.toMillis(), base.toMillis() << Math.min(attempt, 20));
                try {
                    Thread.sleep(ThreadLocalRandom.current().nextLong(Math.max(1, ceiling)));
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }
}
