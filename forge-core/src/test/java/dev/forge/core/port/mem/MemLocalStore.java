package dev.forge.core.port.mem;

import dev.forge.core.error.ForgeException;
import dev.forge.core.port.LiveSet;
import dev.forge.core.port.LocalStore;
import dev.forge.core.port.MetadataStore;
import dev.forge.core.port.ObjectStore;
import dev.forge.core.port.ProgressListener;
import dev.forge.core.port.RepoConfig;
import java.nio.file.Path;

/**
 * One opening of an in-memory repository (see {@link MemLocalStoreFactory}). Holds the repository's
 * lock until closed; closing forgets what this opening's writers had not flushed, as a crash would.
 * The work tree and {@code .forge/} are real folders (core keeps a few files there, such as the sparse
 * paths); the objects, metadata and config are kept in memory only.
 */
final class MemLocalStore implements LocalStore {
    private final MemDisk disk;
    private final MemObjectStore objects;
    private volatile boolean closed;

    MemLocalStore(MemDisk disk) {
        this.disk = disk;
        this.objects = new MemObjectStore(disk, this);
    }

    void checkOpen() {
        if (closed) throw new IllegalStateException("the store of " + disk.workTree + " is closed");
    }

    @Override
    public Path workTree() {
        return disk.workTree;
    }

    @Override
    public Path forgeDir() {
        return disk.forgeDir;
    }

    @Override
    public RepoConfig config() {
        return disk.config();
    }

    @Override
    public void saveConfig(RepoConfig config) {
        if (!config.chunking().equals(disk.config().chunking())) {
            throw new ForgeException("chunking parameters are fixed when a repository is created");
        }
        disk.config(config);
    }

    @Override
    public ObjectStore objects() {
        return objects;
    }

    @Override
    public MetadataStore metadata() {
        return disk.metadata;
    }

    @Override
    public StorageCheck checkStorage(ProgressListener progress) {
        return disk.check();
    }

    @Override
    public StorageUsage usage() {
        return disk.usage();
    }

    @Override
    public SweepReport sweep(LiveSet live, double minLiveShare, boolean dryRun, ProgressListener progress) {
        checkOpen();
        return disk.sweep(live, minLiveShare, dryRun);
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        objects.forgetPending();
        disk.unlock();
    }
}
