package dev.forge.mirror;

import dev.forge.mirror.blob.RetryListener;
import dev.forge.mirror.blob.RetryPolicy;

/**
 * How one command talks to a remote: transfers in flight, how long it keeps trying a remote that does
 * not answer ({@link RetryPolicy}), and who hears about each retry.
 */
public record RemoteOptions(int parallelism, RetryPolicy policy, RetryListener retries) {
    public RemoteOptions {
        if (parallelism < 1) throw new IllegalArgumentException("parallelism must be >= 1, got " + parallelism);
    }

    /** {@link Remote#DEFAULT_PARALLELISM} transfers, the standard policy, retries reported to no one. */
    public static RemoteOptions defaults() {
        return new RemoteOptions(Remote.DEFAULT_PARALLELISM, RetryPolicy.standard(), RetryListener.NONE);
    }

    public RemoteOptions withParallelism(int n) {
        return new RemoteOptions(n, policy, retries);
    }
}
