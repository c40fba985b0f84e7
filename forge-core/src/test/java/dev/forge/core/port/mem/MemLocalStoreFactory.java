package dev.forge.core.port.mem;

import dev.forge.core.error.ForgeException;
import dev.forge.core.error.NotARepositoryException;
import dev.forge.core.error.RepositoryBusyException;
import dev.forge.core.port.LocalStore;
import dev.forge.core.port.LocalStoreFactory;
import dev.forge.core.port.RepoConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A test fixture: local repositories whose objects, metadata and config live in memory (the model is
 * restic's {@code internal/backend/mem}). One factory is one "disk": a repository it created can be
 * closed and opened again through it and still holds everything committed or flushed, so tests can
 * reopen repositories as they would on disk. The work tree and an empty {@code .forge/} folder are
 * real, because core reads and writes files there.
 *
 * <p>It keeps the ports' promises (checked for both stores by the contract tests in
 * {@code dev.forge.core.port}): updates are atomic, objects become visible on flush and are verified
 * by BLAKE3 on every read, errors are the same typed exceptions. One difference: a second opening of
 * an open repository fails at once with {@link RepositoryBusyException} instead of waiting.
 */
public final class MemLocalStoreFactory implements LocalStoreFactory {
    private static final String FORGE_DIR = ".forge";

    private final Map<Path, MemDisk> disks = new ConcurrentHashMap<>();

    private static Path normal(Path p) {
        return p.toAbsolutePath().normalize();
    }

    @Override
    public LocalStore create(Path workTree, RepoConfig config) {
        Path root = normal(workTree);
        Path forge = root.resolve(FORGE_DIR);
        synchronized (disks) {
            if (disks.containsKey(root) || Files.exists(forge)) {
                throw new ForgeException("a repository already exists in " + workTree);
            }
            try {
                Files.createDirectories(forge);
            } catch (IOException e) {
                throw new ForgeException("cannot create a repository in " + workTree + ": " + e.getMessage(), e);
            }
            disks.put(root, new MemDisk(root, forge, config));
        }
        return open(root);
    }

    @Override
    public LocalStore open(Path workTree) {
        MemDisk disk = disks.get(normal(workTree));
        if (disk == null) {
            throw new NotARepositoryException("not a forge repository: " + workTree + " (run 'forge init' first)");
        }
        if (!disk.lock()) throw new RepositoryBusyException("another forge process is using this repository");
        return new MemLocalStore(disk);
    }

    @Override
    public Path findWorkTree(Path start) {
        for (Path p = normal(start); p != null; p = p.getParent()) {
            if (disks.containsKey(p)) return p;
        }
        return null;
    }
}
