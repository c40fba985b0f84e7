package dev.forge.mirror.blob;

import java.time.Duration;

/**
 * Told each time a remote request failed and is about to be tried again, before the wait: the CLI
 * shows it on the terminal, so a slow or stalled remote is never a silent hang. Called from transfer
 * threads, possibly several at once.
 */
@FunctionalInterface
public interface RetryListener {
    RetryListener NONE = r -> {};

    /**
     * One wait before a retry. {@code reason} is the failure (one line, URLs already redacted), {@code
     * delay} how long until the next attempt, {@code serverAsked} whether the server named that wait
     * (Retry-After), and {@code nextAttempt} of {@code attempts} the try that follows.
     */
    record Retry(String reason, Duration delay, boolean serverAsked, int nextAttempt, int attempts) {}

    void retrying(Retry retry);
}
