package dev.forge.core.port;

import java.nio.file.Path;

/** Creates and opens local repositories; implemented by forge-storage, chosen by the CLI. */
public interface LocalStoreFactory {
    /**
     * Creates {@code workTree/.forge}, setting up an empty or incomplete one (a folder with nothing but
     * empty folders in it); fails if a repository, a damaged one or anything else is there.
     */
    LocalStore create(Path workTree, RepoConfig config);

    /** Opens the repository whose work tree is {@code workTree}. */
    LocalStore open(Path workTree);

    /**
     * The nearest directory at or above {@code start} that holds a repository, or null. A {@code .forge}
     * that is empty or damaged counts (so that {@link #open} says what it is), another program's folder
     * of that name does not.
     */
    Path findWorkTree(Path start);
}
