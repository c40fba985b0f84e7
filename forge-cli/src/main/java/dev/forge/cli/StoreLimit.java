package dev.forge.cli;

import dev.forge.core.error.ForgeException;
import dev.forge.core.port.ProgressListener;
import dev.forge.core.repo.Repository;
import dev.forge.core.repo.Stats;
import dev.forge.mirror.Evict;
import dev.forge.mirror.Remote;
import dev.forge.mirror.Remotes;
import java.io.PrintWriter;

/**
 * {@code store.maxSize}: after a command that opened the repository to change it, if the local packs
 * take more than the limit, what is safe on the remote (the lazy clone's, else {@code origin}, else
 * the only remote) leaves {@code .forge}, least recently used first, down to 90% of the limit (so
 * that not every command evicts). One line on stderr says what happened; a failure (the remote
 * cannot be reached) is one warning, never the command's exit code: the limit is a wish, not a
 * promise, and nothing that exists only here is ever evicted.
 */
public final class StoreLimit {
    private StoreLimit() {}

    /** The share of {@code store.maxSize} an eviction brings the store down to. */
    static final double TARGET_SHARE = 0.9;

    public static void enforce(Repository repo, PrintWriter err) {
        Long max = repo.config().storeMaxSize();
        if (max == null || repo.readOnly()) return;
        try {
            long size = new Stats(repo).usage().packBytes();
            if (size <= max) return;
            String name = remote(repo);
            if (name == null) {
                err.printf(
                        java.util.Locale.ROOT,
                        "forge: warning: .forge holds %s, more than store.maxSize %s, and there is no remote to"
                                + " evict to%n",
                        Units.human(size),
                        Units.human(max));
                return;
            }
            try (Remote r = new Remotes(repo).open(name, Remote.DEFAULT_PARALLELISM)) {
                Evict.Result x = new Evict(repo).runToSize(r, max, (long) (max * TARGET_SHARE), ProgressListener.NONE);
                if (x == null) return;
                if (x.gc() == null) {
                    err.printf(
                            java.util.Locale.ROOT,
                            "forge: warning: .forge holds %s, more than store.maxSize %s, and nothing more is safe on"
                                    + " %s: push it%n",
                            Units.human(size),
                            Units.human(max),
                            name);
                    return;
                }
                long after = x.gc().sweep().bytesAfter();
                err.printf(
                        java.util.Locale.ROOT,
                        "forge: store.maxSize %s: evicted %d objects safe on %s, least recently used first; .forge"
                                + " holds %s, was %s%s%n",
                        Units.human(max),
                        x.gc().sweep().deadObjects(),
                        name,
                        Units.human(after),
                        Units.human(size),
                        after > max ? " (the rest is not on " + name + " yet: push it)" : "");
            }
        } catch (ForgeException e) {
            err.println("forge: warning: store.maxSize: " + e.getMessage());
        } finally {
            err.flush();
        }
    }

    private static String remote(Repository repo) {
        var lazy = repo.lazyRemote();
        if (lazy.isPresent()) return lazy.get();
        var remotes = repo.remotes();
        if (remotes.containsKey("origin")) return "origin";
        return remotes.size() == 1 ? remotes.keySet().iterator().next() : null;
    }
}
