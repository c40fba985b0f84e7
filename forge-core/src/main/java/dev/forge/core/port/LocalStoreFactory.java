package dev.forge.core.port;

import java.nio.file.Path;

/** Creates and opens local repositories; implemented by forge-storage, chosen by the CLI. */
public interface LocalStoreFactory {
    /** Creates {@code workTree/.forge}; fails if one exists. */
    LocalStore create(Path workTree, RepoConfig config);

    /** Opens the repository whose work tree is {@code workTree}. */
    LocalStore open(Path workTree);

    /** The nearest directory at or above {@code start} that holds a repository, or null. */
    Path findWorkTree(Path start);
}
