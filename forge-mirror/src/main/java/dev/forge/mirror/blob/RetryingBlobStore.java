package dev.forge.mirror.blob;

import dev.forge.core.error.RemoteUnavailableException;
import dev.forge.core.port.BlobStore;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * Retries a blob store's calls that failed with a retryable {@link RemoteUnavailableException} (a
 * dropped connection, no answer in time, 429, 503 SlowDown, other 5xx) under a {@link RetryPolicy}:
 * exponential backoff with full jitter (the n-th retry waits a random time in [0, min(cap, base *
 * 2^n))), or exactly the wait the server announced when it named one. It gives up, with a
 * non-retryable {@link RemoteUnavailableException} (exit 10) that says why, after the policy's
 * attempts, once the failing stretch has outlasted the policy's timeout (announced waits excluded),
 * or at once when the server asks for a longer wait than the policy's maxWait allows. Anything else
 * (a missing blob, 403, a damaged range) is passed through at once. Every wait is reported to a
 * {@link RetryListener} before it starts.
 *
 * <p>Every {@link BlobStore} operation is safe to repeat: puts are idempotent, and a conditional
 * write whose answer was lost is judged by its caller (which re-reads the ref or lock it tried to
 * move and recognises its own).
 */
public final class RetryingBlobStore extends ForwardingBlobStore {
    private final RetryPolicy policy;
    private final RetryListener listener;

    public RetryingBlobStore(BlobStore inner, RetryPolicy policy, RetryListener listener) {
        super(inner);
        this.policy = policy;
        this.listener = listener;
    }

    /** {@code attempts} tries with backoff from {@code base} to {@code cap}, the default timeouts, reporting to no one. */
    public RetryingBlobStore(BlobStore inner, int attempts, Duration base, Duration cap) {
        this(
                inner,
                new RetryPolicy(
                        attempts,
                        base,
                        cap,
                        RetryPolicy.DEFAULT_TIMEOUT,
                        RetryPolicy.DEFAULT_MAX_WAIT,
                        RetryPolicy.DEFAULT_MIN_BYTES_PER_SECOND),
                RetryListener.NONE);
    }

    /** The standard policy ({@link RetryPolicy#standard()}), reporting to no one. */
    public static RetryingBlobStore standard(BlobStore inner) {
        return new RetryingBlobStore(inner, RetryPolicy.standard(), RetryListener.NONE);
    }

    @Override
    protected <T> T forward(Supplier<T> call) {
        long budgetStart = -1; // when the failing stretch began (nanoTime)
        long announced = 0; // nanoseconds waited because the server asked: not part of the budget
        for (int attempt = 1; ; attempt++) {
            long started = System.nanoTime();
            try {
                return call.get();
            } catch (RemoteUnavailableException e) {
                if (!e.retryable()) throw e;
                long now = System.nanoTime();
                // An attempt that failed after a long transfer was silent only for its last read timeout.
                if (budgetStart < 0)
                    budgetStart = Math.max(started, now - policy.readTimeout().toNanos());
                Duration asked = e.retryAfter();
                if (asked != null && asked.isNegative()) asked = Duration.ZERO;
                if (asked != null
                        && announced + asked.toNanos() > policy.maxWait().toNanos()) {
                    throw new RemoteUnavailableException(
                            e.getMessage() + "; the server asks to wait " + seconds(asked.toNanos())
                                    + " s, longer than the "
                                    + seconds(policy.maxWait().toNanos())
                                    + " s allowed: try again later, or allow a longer wait (forge config "
                                    + RetryPolicy.MAX_WAIT_SETTING + " SECONDS)",
                            false,
                            e);
                }
                if (attempt >= policy.attempts()) {
                    throw new RemoteUnavailableException(
                            e.getMessage() + " (gave up after " + attempt + " attempts in " + seconds(now - budgetStart)
                                    + " s)",
                            false,
                            e);
                }
                long wait = asked != null ? asked.toNanos() : backoff(attempt);
                if (asked == null
                        && now + wait - budgetStart - announced
                                > policy.timeout().toNanos()) {
                    throw new RemoteUnavailableException(
                            e.getMessage() + " (gave up after " + attempt + " attempts in "
                                    + seconds(now - budgetStart - announced) + " s; "
                                    + RetryPolicy.TIMEOUT_SETTING + " is "
                                    + seconds(policy.timeout().toNanos()) + " s)",
                            false,
                            e);
                }
                if (asked != null) announced += wait;
                listener.retrying(new RetryListener.Retry(
                        e.getMessage(), Duration.ofNanos(wait), asked != null, attempt + 1, policy.attempts()));
                try {
                    Thread.sleep(Duration.ofNanos(wait));
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    private long backoff(int attempt) {
        long ceiling = Math.min(policy.cap().toNanos(), policy.base().toNanos() << Math.min(attempt - 1, 20));
        return ThreadLocalRandom.current().nextLong(Math.max(1, ceiling));
    }

    private static String seconds(long nanos) {
        return RetryPolicy.seconds(Duration.ofNanos(nanos));
    }

    /**
     * Starting a draft is retried; publishing it is not (the bytes were written once, into the draft):
     * a failed publish drops the draft, and the caller writes the blob again.
     */
    @Override
    public java.util.Optional<Draft> draft(String folder) {
        return forward(() -> inner().draft(folder));
    }

    /** Each attempt lists what the last one left, so a retry after a dropped connection resumes too. */
    @Override
    public long putResuming(String name, java.nio.file.Path file) {
        return forward(() -> inner().putResuming(name, file));
    }

    @Override
    public void getInto(String name, long offset, int length, byte[] dst) {
        forward(() -> {
            inner().getInto(name, offset, length, dst);
            return null;
        });
    }

    /** Each attempt appends to what the partial file holds, so a retry continues where the drop was. */
    @Override
    public long readInto(String name, long offset, int length, java.nio.file.Path partial, byte[] dst) {
        return forward(() -> inner().readInto(name, offset, length, partial, dst));
    }
}
