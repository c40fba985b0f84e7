package dev.forge.cli.commands;

import dev.forge.cli.Output;
import dev.forge.cli.options.RemoteArgument;
import dev.forge.core.repo.Lockable;
import dev.forge.core.repo.Repository;
import dev.forge.mirror.FileLocks;
import dev.forge.mirror.Remote;
import dev.forge.mirror.RemoteOptions;
import dev.forge.mirror.Remotes;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Work-tree permissions for locked files ({@code lock.readOnly}): read-only when someone else holds the lock. */
final class LockFiles {
    private LockFiles() {}

    /** Gives the owner write permission on {@code path} again (a lock of our own: we may edit it). */
    static void makeWritable(Repository repo, String path) {
        FileLocks.setWritable(repo.root().resolve(path), true);
    }

    /**
     * After a checkout: with {@code lock.readOnly} set and an {@code origin} remote, files locked by
     * others become read-only (and those no longer locked writable again). A remote that cannot be
     * reached is a warning, never a failure of the checkout.
     */
    static void afterCheckout(Repository repo, Output out) {
        if (!Boolean.TRUE.equals(repo.config().lockReadOnly())) return;
        String name = RemoteArgument.DEFAULT;
        if (!repo.remotes().containsKey(name)) return;
        try (Remote remote = new Remotes(repo).open(name, RemoteOptions.defaults())) {
            FileLocks.ReadOnlyResult r = new FileLocks(remote).applyReadOnly(repo);
            if (!r.madeReadOnly().isEmpty())
                out.info(
                        "%d files locked by others on %s made read-only%n",
                        r.madeReadOnly().size(), name);
        } catch (dev.forge.core.error.ForgeException e) {
            out.warn("could not check the locks on " + name + " (lock.readOnly): " + e.getMessage());
        }
    }

    /**
     * Those of {@code paths} that are lockable ({@link Lockable}) and locked by someone else on
     * {@code origin}: empty without lockable patterns, without an origin, or when none of the paths is
     * lockable (then the remote is not asked). A remote that cannot be reached is a warning.
     */
    static Map<String, FileLocks.Lock> lockedByOthers(Repository repo, Collection<String> paths, Output out) {
        Lockable lockable = Lockable.of(repo);
        if (!lockable.any()) return Map.of();
        List<String> candidates =
                paths.stream().filter(lockable::matches).distinct().toList();
        String name = RemoteArgument.DEFAULT;
        if (candidates.isEmpty() || !repo.remotes().containsKey(name)) return Map.of();
        try (Remote remote = new Remotes(repo).open(name, RemoteOptions.defaults())) {
            FileLocks.Owner me = FileLocks.owner(repo);
            Map<String, FileLocks.Lock> out2 = new TreeMap<>();
            new FileLocks(remote).locksOn(candidates).forEach((p, l) -> {
                if (!l.heldBy(me)) out2.put(p, l);
            });
            return out2;
        } catch (dev.forge.core.error.ForgeException e) {
            out.warn("could not check the locks on " + name + ": " + e.getMessage());
            return Map.of();
        }
    }
}
