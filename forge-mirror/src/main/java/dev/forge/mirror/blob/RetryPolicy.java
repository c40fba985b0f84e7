package dev.forge.mirror.blob;

import java.time.Duration;

/**
 * How long Forge keeps trying a remote that does not answer, and how long it waits when a server asks
 * it to. {@code timeout} bounds the time a request may go unanswered: each attempt waits at most
 * {@link #readTimeout()} (half of it) for the server's next byte, and retries stop once {@code
 * timeout} has passed since the failing stretch began, so a server that accepts connections and never
 * answers is tried twice, one retry shown, and given up on after about {@code timeout}. Waits the server announces (HTTP 429/503 with
 * Retry-After) are not part of that budget; they are honoured up to {@code maxWait} in total per
 * request, and a longer one gives up at once. {@code attempts} bounds the tries of one request either
 * way; backoff between tries is exponential from {@code base} to {@code cap} with full jitter. A
 * request that moves a body may take longer, as long as it moves at least {@code minBytesPerSecond}
 * ({@link #requestDeadline}).
 */
public record RetryPolicy(
        int attempts, Duration base, Duration cap, Duration timeout, Duration maxWait, long minBytesPerSecond) {
    /** Default of {@link #timeout}: well under a minute for a server that stopped answering. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    /** Default of {@link #maxWait}. */
    public static final Duration DEFAULT_MAX_WAIT = Duration.ofSeconds(120);
    /** Where a user sets {@link #timeout} (named in messages). */
    public static final String TIMEOUT_SETTING = "FORGE_REMOTE_TIMEOUT";
    /** Where a user sets {@link #maxWait} (named in messages). */
    public static final String MAX_WAIT_SETTING = "FORGE_REMOTE_MAX_WAIT";

    /**
     * Default of {@link #minBytesPerSecond}, the slowest rate a transfer may run at before it counts as
     * stalled: 64 KiB/s, about an eighth of a slow 4 Mbit/s uplink shared by eight transfers.
     */
    public static final long DEFAULT_MIN_BYTES_PER_SECOND = 64 << 10;

    public RetryPolicy {
        if (attempts < 1) throw new IllegalArgumentException("attempts must be >= 1, got " + attempts);
        if (timeout.compareTo(Duration.ofSeconds(1)) < 0)
            throw new IllegalArgumentException("timeout must be at least 1 s, got " + timeout);
        if (maxWait.isNegative()) throw new IllegalArgumentException("maxWait must be >= 0, got " + maxWait);
        if (minBytesPerSecond < 1)
            throw new IllegalArgumentException("minBytesPerSecond must be >= 1, got " + minBytesPerSecond);
    }

    /** Ten attempts, 100 ms doubling to 10 s, and the default timeout and maximum wait. */
    public static RetryPolicy standard() {
        return of(DEFAULT_TIMEOUT, DEFAULT_MAX_WAIT);
    }

    /** Ten attempts, 100 ms doubling to 10 s, with the given timeout and maximum announced wait. */
    public static RetryPolicy of(Duration timeout, Duration maxWait) {
        return new RetryPolicy(
                10, Duration.ofMillis(100), Duration.ofSeconds(10), timeout, maxWait, DEFAULT_MIN_BYTES_PER_SECOND);
    }

    /**
     * How long one attempt waits for the server's next byte: half the timeout (15 s by default), at
     * least 1 s. Not less: a retry sent while a slow server is still working on the first attempt adds
     * to its load, and a busy S3-compatible server on slow disks can take seconds to answer a write.
     */
    public Duration readTimeout() {
        Duration half = timeout.dividedBy(2);
        return half.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : half;
    }

    /** How long one attempt waits for a connection: the read timeout, at most 10 s. */
    public Duration connectTimeout() {
        Duration r = readTimeout();
        return r.compareTo(Duration.ofSeconds(10)) > 0 ? Duration.ofSeconds(10) : r;
    }

    /**
     * The longest one attempt of a request moving {@code bytes} of body may take, start to end: the
     * timeout, plus the time those bytes take at {@link #minBytesPerSecond}. It catches what the
     * read timeout cannot (a server that stops reading an upload, or trickles an answer).
     */
    public Duration requestDeadline(long bytes) {
        return timeout.plusMillis(Math.max(0, bytes) * 1000 / minBytesPerSecond);
    }

    /** A duration for a message, in seconds: whole from 10 s up ("30"), else with one decimal ("1.5"). */
    public static String seconds(Duration d) {
        double s = d.toNanos() / 1e9;
        return s >= 10 ? String.valueOf(Math.round(s)) : String.format(java.util.Locale.ROOT, "%.1f", s);
    }
}
