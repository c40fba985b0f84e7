package dev.forge.mirror;

import dev.forge.mirror.blob.RetryListener;
import dev.forge.mirror.blob.RetryPolicy;
import dev.forge.mirror.crypt.KeySource;

/**
 * How one command talks to a remote: transfers in flight, how long it keeps trying a remote that does
 * not answer ({@link RetryPolicy}), and who hears about each retry.
 */
public record RemoteOptions(
        int parallelism, RetryPolicy policy, RetryListener retries, KeySource keys, boolean encryptGitHub) {
    public RemoteOptions {
        if (parallelism < 1) throw new IllegalArgumentException("parallelism must be >= 1, got " + parallelism);
    }

    /**
     * Keys from the process environment; a new GitHub remote is not encrypted unless asked ({@link
     * #withKeys} turns on what the command line does: encryption mandatory for GitHub).
     */
    public RemoteOptions(int parallelism, RetryPolicy policy, RetryListener retries) {
        this(parallelism, policy, retries, KeySource.fromEnvironment(), false);
    }

    /** Where the identities of encrypted remotes come from, and whether a new GitHub remote must be encrypted. */
    public RemoteOptions withKeys(KeySource k, boolean mandatoryForGitHub) {
        return new RemoteOptions(parallelism, policy, retries, k, mandatoryForGitHub);
    }

    /** {@link Remote#DEFAULT_PARALLELISM} transfers, the standard policy, retries reported to no one. */
    public static RemoteOptions defaults() {
        return new RemoteOptions(Remote.DEFAULT_PARALLELISM, RetryPolicy.standard(), RetryListener.NONE);
    }

    public RemoteOptions withParallelism(int n) {
        return new RemoteOptions(n, policy, retries, keys, encryptGitHub);
    }
}
