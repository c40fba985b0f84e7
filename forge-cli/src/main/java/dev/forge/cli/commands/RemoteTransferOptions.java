package dev.forge.cli.commands;

import dev.forge.cli.RetryNotices;
import dev.forge.core.error.InvalidInputException;
import dev.forge.mirror.RemoteOptions;
import dev.forge.mirror.blob.RetryListener;
import dev.forge.mirror.blob.RetryPolicy;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * What the commands that talk to a remote share: {@code -q} and the remote's timeouts. The timeouts
 * come from the environment: {@code FORGE_REMOTE_TIMEOUT} (seconds a remote may go without answering
 * before the command gives up, default 30) and {@code FORGE_REMOTE_MAX_WAIT} (seconds of waiting a
 * server may ask for with Retry-After, per request, default 120).
 */
public final class RemoteTransferOptions {
    @Option(
            names = {"-q", "--quiet"},
            description = "Print no progress and no retry notices on stderr (errors still are).")
    boolean quiet;

    /** The options for one command's remote {@code remote}, with {@code jobs} transfers in flight. */
    public RemoteOptions options(String remote, int jobs, boolean json, PrintWriter err) {
        if (jobs < 1) throw new InvalidInputException("--jobs must be at least 1, got " + jobs);
        RetryListener notices = quiet ? RetryListener.NONE : new RetryNotices(remote, json, err);
        return new RemoteOptions(jobs, policy(System.getenv()), notices);
    }

    public boolean quiet() {
        return quiet;
    }

    static RetryPolicy policy(Map<String, String> env) {
        Duration timeout = seconds(env, RetryPolicy.TIMEOUT_SETTING, RetryPolicy.DEFAULT_TIMEOUT, 1);
        Duration maxWait = seconds(env, RetryPolicy.MAX_WAIT_SETTING, RetryPolicy.DEFAULT_MAX_WAIT, 0);
        return RetryPolicy.of(timeout, maxWait);
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
