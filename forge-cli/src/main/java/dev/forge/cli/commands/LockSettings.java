package dev.forge.cli.commands;

import dev.forge.core.repo.Repository;
import java.util.Set;

/** The lock settings of a repository (docs/cli.md, "Locks"). */
final class LockSettings {
    private LockSettings() {}

    /** {@code lock.mainline}: the branches others merge into; a lock taken on one guards every branch. */
    static Set<String> mainline(Repository repo) {
        return Set.of("main");
    }
}
