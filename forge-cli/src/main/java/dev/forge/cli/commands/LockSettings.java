package dev.forge.cli.commands;

import dev.forge.core.port.RepoConfig;
import dev.forge.core.repo.Repository;
import java.util.LinkedHashSet;
import java.util.Set;

/** The lock settings of a repository (docs/cli.md, "Locks"). */
final class LockSettings {
    private LockSettings() {}

    /** {@code lock.mainline}: the branches others merge into; a lock taken on one guards every branch. */
    static Set<String> mainline(Repository repo) {
        String v = repo.config().lockMainline();
        Set<String> out = new LinkedHashSet<>();
        for (String b : (v == null ? RepoConfig.DEFAULT_LOCK_MAINLINE : v).split(","))
            if (!b.isBlank()) out.add(b.strip());
        return out;
    }
}
