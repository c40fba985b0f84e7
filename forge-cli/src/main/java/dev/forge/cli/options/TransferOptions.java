package dev.forge.cli.options;

import dev.forge.cli.Output;
import dev.forge.cli.RetryNotices;
import dev.forge.core.error.InvalidInputException;
import dev.forge.core.port.RepoConfig;
import dev.forge.mirror.Remote;
import dev.forge.mirror.RemoteOptions;
import dev.forge.mirror.blob.RetryListener;
import dev.forge.mirror.blob.RetryPolicy;
import dev.forge.mirror.crypt.KeySource;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine.Option;

/** {@code -j/--jobs N}: how many transfers a command that talks to a remote keeps in flight. */
public final class TransferOptions {
    @Option(
            names = {"-j", "--jobs"},
            paramLabel = "N",
            description = "Transfers in flight (default 8; ranged reads use twice as many).")
    int jobs = Remote.DEFAULT_PARALLELISM;

    public int jobs() {
        if (jobs < 1) throw new InvalidInputException("--jobs must be at least 1, got " + jobs);
        return jobs;
    }

    /**
     * How the command talks to remote {@code remote}: {@code -j} transfers in flight, and the deadlines:
     * {@code remote.timeout} (seconds a remote may go without answering before the command gives up,
     * default 30) and {@code remote.maxWait} (seconds of waiting a server may ask for with Retry-After,
     * per request, default 120) from the repository's {@code config} (null for clone, which has no
     * repository yet), each overridden by {@code FORGE_REMOTE_TIMEOUT} / {@code FORGE_REMOTE_MAX_WAIT}
     * when set. Retry notices go to stderr unless {@code -q}.
     */
    public RemoteOptions options(String remote, Output out, RepoConfig config) {
        RetryListener notices = out.quiet() ? RetryListener.NONE : new RetryNotices(remote, out.json(), out.err());
        // Encryption notices (a first push that sets it up) go to stderr, also with -q: they say where a key is.
        KeySource keys = KeySource.fromEnvironment().withNotices(out::warn);
        return new RemoteOptions(jobs(), policy(System.getenv(), config), notices).withKeys(keys, true);
    }

    public static RetryPolicy policy(Map<String, String> env, RepoConfig config) {
        Duration timeout = config != null && config.remoteTimeout() != null
                ? Duration.ofSeconds(config.remoteTimeout())
                : RetryPolicy.DEFAULT_TIMEOUT;
        Duration maxWait = config != null && config.remoteMaxWait() != null
                ? Duration.ofSeconds(config.remoteMaxWait())
                : RetryPolicy.DEFAULT_MAX_WAIT;
        return RetryPolicy.of(
                seconds(env, "FORGE_REMOTE_TIMEOUT", timeout, 1), seconds(env, "FORGE_REMOTE_MAX_WAIT", maxWait, 0));
    }

    private static Duration seconds(Map<String, String> env, String name, Duration fallback, long min) {
        String v = env.get(name);
        if (v == null || v.isBlank()) return fallback;
        try {
            long s = Long.parseLong(v.strip());
            if (s >= min && s <= 86_400) return Duration.ofSeconds(s);
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new InvalidInputException(
                name + " must be a whole number of seconds from " + min + " to 86400, got '" + v + "'");
    }
}
