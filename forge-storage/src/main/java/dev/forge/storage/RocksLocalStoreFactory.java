package dev.forge.storage;

import dev.forge.core.error.ForgeException;
import dev.forge.core.error.IntegrityException;
import dev.forge.core.error.NotARepositoryException;
import dev.forge.core.port.LocalStore;
import dev.forge.core.port.LocalStoreFactory;
import dev.forge.core.port.ProgressListener;
import dev.forge.core.port.RepoConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Creates and opens {@link RocksLocalStore}s. */
public final class RocksLocalStoreFactory implements LocalStoreFactory {
    public static final String FORGE_DIR = ".forge";

    @Override
    public LocalStore create(Path workTree, RepoConfig config) {
        Path forge = workTree.resolve(FORGE_DIR);
        if (Files.exists(forge)) throw new ForgeException("a repository already exists in " + workTree);
        try {
            Files.createDirectories(workTree);
            // Build in a temp directory and rename into place, so a killed init never leaves half a repository.
            Path staging = Files.createTempDirectory(workTree, ".forge-init-");
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

    @Override
    public LocalStore open(Path workTree) {
        Path forge = workTree.resolve(FORGE_DIR);
        if (!Files.isRegularFile(forge.resolve("config"))) {
            throw new NotARepositoryException("not a forge repository: " + workTree + " (run 'forge init' first)");
        }
        RepoConfig config = ConfigFile.read(forge.resolve("config"));
        if (!Files.isDirectory(forge.resolve("packs"))) {
            throw new IntegrityException("the repository in " + workTree + " is incomplete: .forge/packs is missing");
        }
        if (!Files.isDirectory(forge.resolve("index"))) {
            throw new IntegrityException("the repository index " + forge.resolve("index")
                    + " is missing; 'forge repair --index' rebuilds it from the pack files");
        }
        try {
            Files.createDirectories(forge.resolve("tmp"));
        } catch (IOException e) {
            throw new ForgeException("cannot use " + forge + ": " + e.getMessage(), e);
        }
        return new RocksLocalStore(workTree, forge, config, RocksIndex.open(forge.resolve("index"), false));
    }

    @Override
    public IndexRebuildReport rebuildIndex(Path workTree, ProgressListener progress) {
        Path forge = workTree.resolve(FORGE_DIR);
        if (!Files.isRegularFile(forge.resolve("config"))) {
            throw new NotARepositoryException("not a forge repository: " + workTree + " (run 'forge init' first)");
        }
        if (!Files.isDirectory(forge.resolve("packs"))) {
            throw new IntegrityException("the repository in " + workTree
                    + " has no .forge/packs: there is nothing to rebuild the index from");
        }
        return new IndexRebuild(forge).run(progress);
    }

    @Override
    public Path findWorkTree(Path start) {
        for (Path p = start.toAbsolutePath().normalize(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve(FORGE_DIR).resolve("config"))) return p;
        }
        return null;
    }
}
