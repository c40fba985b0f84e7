package dev.forge.core.repo;

import dev.forge.core.port.LocalStore;

/**
 * For tests outside forge-core that check what the store holds underneath a repository (pack usage,
 * the raw stage digest, a writer that bypasses core): {@link Repository#store()} is not public.
 */
public final class StoreAccess {
    private StoreAccess() {}

    public static LocalStore store(Repository repo) {
        return repo.store();
    }
}
