package dev.forge.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forge.mirror.blob.RetryListener;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * Shows each retry of a remote request on stderr, one line per wait, so that a slow or stalled remote
 * is never a silent hang: {@code forge: origin: <what failed>; retrying in 2.0 s (attempt 3 of 10)}.
 * With {@code --json} each is a JSON object on one line instead ({@code {"event": "retry", "remote",
 * "reason", "delaySeconds", "serverAsked", "attempt", "attempts"}}), stdout keeping its one document.
 * Parallel transfers that fail together are one line: a notice for the same attempt number within a
 * second of the last one is not repeated.
 */
public final class RetryNotices implements RetryListener {
    private final String remote;
    private final boolean json;
    private final PrintWriter err;
    private int lastAttempt;
    private long lastNanos;

    public RetryNotices(String remote, boolean json, PrintWriter err) {
        this.remote = remote;
        this.json = json;
        this.err = err;
    }

    @Override
    public synchronized void retrying(Retry r) {
        long now = System.nanoTime();
        if (r.nextAttempt() == lastAttempt && now - lastNanos < 1_000_000_000L) return;
        lastAttempt = r.nextAttempt();
        lastNanos = now;
        double seconds = r.delay().toMillis() / 1000.0;
        String reason = dev.forge.mirror.RemoteUrl.redact(r.reason());
        if (json) {
            ObjectNode n = new ObjectMapper().createObjectNode();
            n.put("event", "retry")
                    .put("remote", remote)
                    .put("reason", reason)
                    .put("delaySeconds", seconds)
                    .put("serverAsked", r.serverAsked())
                    .put("attempt", r.nextAttempt())
                    .put("attempts", r.attempts());
            err.println(n.toString());
        } else {
            String delay = seconds >= 10 ? Math.round(seconds) + " s" : String.format(Locale.ROOT, "%.1f s", seconds);
            err.println("forge: " + remote + ": " + reason + "; "
                    + (r.serverAsked() ? "the server asks to wait: " : "") + "retrying in " + delay + " (attempt "
                    + r.nextAttempt() + " of " + r.attempts() + ")");
        }
        err.flush();
    }
}
