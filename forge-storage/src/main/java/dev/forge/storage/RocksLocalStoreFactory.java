package dev.forge.storage;

import dev.forge.core.error.ForgeException;
import dev.forge.core.error.NotARepositoryException;
import dev.forge.core.port.LocalStore;
import dev.forge.core.port.LocalStoreFactory;
import dev.forge.core.port.RepoConfig;
import dev.forge.core.repo.InitLeftovers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Creates and opens {@link RocksLocalStore}s. A {@code .forge} folder is one of: a repository (it has
 * its config); empty or incomplete (nothing in it but empty {@code packs}, {@code tmp} or {@code index}
 * folders: made by hand, or left by a copy that stopped early), which {@code forge init} sets up and
 * every other command reports as "not a forge repository ... run 'forge init'" (exit 3); damaged
 * (index or packs hold files, the config is gone: exit 5, never overwritten by init); or another
 * program's folder of that name, which the search for a repository passes by and init refuses.
 */
public final class RocksLocalStoreFactory implements LocalStoreFactory {
    public static final String FORGE_DIR = ".forge";

    enum ForgeDir {
        ABSENT,
        REPOSITORY,
        EMPTY,
        DAMAGED,
        FOREIGN
    }

    /** What the {@code .forge} folder of {@code workTree} is (see the class comment). */
    static ForgeDir classify(Path workTree) {
        Path forge = workTree.resolve(FORGE_DIR);
        if (!Files.exists(forge, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return ForgeDir.ABSENT;
        if (Files.isRegularFile(forge.resolve("config"))) return ForgeDir.REPOSITORY;
        if (!Files.isDirectory(forge, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return ForgeDir.FOREIGN;
        boolean ours = true;
        boolean empty = true;
        try (var entries = Files.list(forge)) {
            for (Path e : (Iterable<Path>) entries::iterator) {
                String name = e.getFileName().toString();
                if (!java.util.Set.of("packs", "tmp", "index").contains(name)
                        || !Files.isDirectory(e, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    ours = false;
                    continue;
                }
                try (var inside = Files.list(e)) {
                    if (inside.findAny().isPresent()) empty = false;
                }
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            return ForgeDir.FOREIGN;
        }
        if (!ours) return ForgeDir.FOREIGN;
        return empty ? ForgeDir.EMPTY : ForgeDir.DAMAGED;
    }

    @Override
    public LocalStore create(Path workTree, RepoConfig config) {
        Path forge = workTree.resolve(FORGE_DIR);
        switch (classify(workTree)) {
            case ABSENT -> {}
            case EMPTY -> {
                try {
                    deleteEmpty(forge);
                } catch (IOException e) {
                    throw new ForgeException("cannot set up the empty " + forge + ": " + e.getMessage(), e);
                }
            }
            case REPOSITORY -> throw new ForgeException("a repository already exists in " + workTree);
            case DAMAGED ->
                throw new ForgeException(forge + " holds a damaged repository (its config is missing);"
                        + " init will not overwrite it: move it away to start a new one");
            case FOREIGN ->
                throw new ForgeException(forge + " exists and is not a forge repository; move it away first");
        }
        try {
            Files.createDirectories(workTree);
            // Build in a temp directory and rename into place, so a killed init never leaves half a repository.
            Path staging = Files.createTempDirectory(workTree, InitLeftovers.PREFIX);
            Files.createDirectories(staging.resolve("packs"));
            Files.createDirectories(staging.resolve("tmp"));
            ConfigFile.write(staging.resolve("config"), config);
            RocksIndex.open(staging.resolve("index"), true).close();
            FileSync.directory(staging);
            Files.move(staging, forge, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            FileSync.directory(workTree);
        } catch (IOException e) {
            throw new ForgeException("cannot create a repository in " + workTree + ": " + e.getMessage(), e);
        }
        return open(workTree);
    }

    /** Removes an empty or incomplete {@code .forge}: empty folders only, so nothing with a file goes. */
    private static void deleteEmpty(Path forge) throws IOException {
        try (var entries = Files.list(forge)) {
            for (Path e : (Iterable<Path>) entries::iterator) Files.delete(e);
        }
        Files.delete(forge);
    }

    @Override
    public LocalStore open(Path workTree) {
        Path forge = workTree.resolve(FORGE_DIR);
        switch (classify(workTree)) {
            case REPOSITORY -> {}
            case EMPTY ->
                throw new NotARepositoryException("not a forge repository: " + forge
                        + " is empty or incomplete; run 'forge init' in " + workTree + " to set it up");
            case DAMAGED ->
                throw new dev.forge.core.error.IntegrityException(
                        "the repository in " + workTree
                                + " is damaged: .forge/config is missing (restore it from a backup or a copy of the repository)");
            default ->
                throw new NotARepositoryException("not a forge repository: " + workTree + " (run 'forge init' first)");
        }
        RepoConfig config = ConfigFile.read(forge.resolve("config"));
        if (!Files.isDirectory(forge.resolve("index")) || !Files.isDirectory(forge.resolve("packs"))) {
            throw new dev.forge.core.error.IntegrityException(
                    "the repository in " + workTree + " is incomplete: .forge/index or .forge/packs is missing");
        }
        try {
            Files.createDirectories(forge.resolve("tmp"));
        } catch (IOException e) {
            throw new ForgeException("cannot use " + forge + ": " + e.getMessage(), e);
        }
        return new RocksLocalStore(workTree, forge, config, RocksIndex.open(forge.resolve("index"), false));
    }

    /** The nearest folder at or above {@code start} whose {@code .forge} is a repository, an empty or a damaged one. */
    @Override
    public Path findWorkTree(Path start) {
        for (Path p = start.toAbsolutePath().normalize(); p != null; p = p.getParent()) {
            ForgeDir d = classify(p);
            if (d == ForgeDir.REPOSITORY || d == ForgeDir.EMPTY || d == ForgeDir.DAMAGED) return p;
        }
        return null;
    }
}
