package dev.forge.storage;

import dev.forge.core.error.ForgeException;
import dev.forge.core.error.ReadOnlyRepositoryException;
import dev.forge.core.port.LocalStore;
import dev.forge.core.port.MetadataStore;
import dev.forge.core.port.ObjectStore;
import dev.forge.core.port.ProgressListener;
import dev.forge.core.port.RepoConfig;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.rocksdb.RocksIterator;

/**
 * A repository on local disk:
 *
 * <pre>
 * .forge/config      JSON settings with the format version
 * .forge/packs/      sealed pack files (immutable once published)
 * .forge/index/      RocksDB: object index, pack list, refs, HEAD, op log
 * .forge/stage       the stage and the stat cache, one flat sorted file ({@link StageFile})
 * .forge/tmp/        packs being written; anything here at open time is left over from a crash
 * .forge/journal     the op log's copy beside the index, for rebuilding it ({@link OpJournal})
 * .forge/reserve     ballast that lets gc start on a full disk ({@link SpaceReserve})
 * </pre>
 */
public final class RocksLocalStore implements LocalStore {
    private final Path workTree;
    private final Path forgeDir;
    private RepoConfig config;
    private final RocksIndex index;
    private final RocksObjectStore objects;
    private final RocksMetadataStore metadata;

    /** Why changes are refused (the index is open read-only), or null when they are not. */
    private final String readOnly;

    /**
     * {@code readOnly} is null for a store opened read-write, else why it cannot be changed (then
     * {@code index} is open read-only and nothing under {@code .forge} is written).
     */
    RocksLocalStore(Path workTree, Path forgeDir, RepoConfig config, RocksIndex index, String readOnly) {
        this.workTree = workTree;
        this.forgeDir = forgeDir;
        this.config = config;
        this.index = index;
        this.readOnly = readOnly;
        this.objects = new RocksObjectStore(
                index,
                forgeDir.resolve("packs"),
                forgeDir.resolve("tmp"),
                config.chunking().maxSize(),
                new DamagedRecords(forgeDir));
        if (readOnly == null) {
            this.metadata = new RocksMetadataStore(index, new OpJournal(forgeDir.resolve(OpJournal.FILE)), forgeDir);
            sweepTmp();
        } else {
            this.metadata = new RocksMetadataStore(index, null, forgeDir);
            ReadOnlyRepositoryException refusal = RocksLocalStoreFactory.readOnly(forgeDir, readOnly);
            objects.refuseWrites(refusal);
            metadata.refuseWrites(refusal);
        }
    }

    /**
     * A store for a command that only reads and may refresh the stat cache ({@code Mode.SHARED}): the
     * index open read-only (no log, manifest or options file written and synced, other readers
     * beside it, writers kept out by the shared lock), every change refused, and stat-cache writes
     * made to the stage file alone ({@link RocksMetadataStore#allowCacheWrites}). Null when the index
     * cannot be opened so (another process holds it to write): then the caller opens it as before.
     */
    static RocksLocalStore shared(Path workTree, Path forgeDir, RepoConfig config, Path index) {
        RocksIndex db;
        try {
            db = RocksIndex.open(index, RocksIndex.Access.READ_ONLY);
        } catch (dev.forge.core.error.RepositoryBusyException e) {
            throw e;
        } catch (ForgeException e) {
            return null;
        }
        RocksLocalStore s = sharedOn(workTree, forgeDir, config, db);
        StatusSnapshot snap = StatusSnapshot.take(index, s.metadata, s.objects);
        if (snap != null) snap.write(forgeDir);
        return s;
    }

    /**
     * As {@link #shared}, for a caller that holds the index's shared lock already ({@link
     * SnapshotLocalStore}, which found its snapshot valid under it); failures are thrown.
     */
    static RocksLocalStore sharedLocked(Path workTree, Path forgeDir, RepoConfig config, Path index) {
        return sharedOn(workTree, forgeDir, config, RocksIndex.open(index, RocksIndex.Access.READ_ONLY, false));
    }

    private static RocksLocalStore sharedOn(Path workTree, Path forgeDir, RepoConfig config, RocksIndex db) {
        RocksLocalStore s = new RocksLocalStore(workTree, forgeDir, config, db, "it is open for reading only");
        s.metadata.allowCacheWrites();
        return s;
    }

    @Override
    public boolean readOnly() {
        return readOnly != null;
    }

    /** Removes pack files that a killed writer left unpublished: nothing can reference them. */
    private void sweepTmp() {
        Path tmp = forgeDir.resolve("tmp");
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(tmp, "pack-*.part")) {
            for (Path p : ds) Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // Best effort: leftovers waste space but never harm correctness.
        }
        StageFile.sweep(forgeDir);
        StatusSnapshot.sweep(forgeDir);
    }

    @Override
    public Path workTree() {
        return workTree;
    }

    @Override
    public Path forgeDir() {
        return forgeDir;
    }

    @Override
    public RepoConfig config() {
        return config;
    }

    @Override
    public void saveConfig(RepoConfig c) {
        if (readOnly != null) throw RocksLocalStoreFactory.readOnly(forgeDir, readOnly);
        if (!c.chunking().equals(config.chunking())) {
            throw new ForgeException("chunking parameters are fixed when a repository is created");
        }
        ConfigFile.write(forgeDir.resolve("config"), c);
        this.config = c;
    }

    @Override
    public ObjectStore objects() {
        return objects;
    }

    @Override
    public MetadataStore metadata() {
        return metadata;
    }

    @Override
    public StorageCheck checkStorage(ProgressListener progress) {
        return new StorageChecker(index, objects, forgeDir.resolve("packs")).run(progress);
    }

    @Override
    public StorageUsage usage() {
        long packs = 0;
        long bytes = 0;
        try (RocksIterator it = index.db.newIterator(index.packs)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                packs++;
                bytes += IndexCodec.decodePack(it.value()).size();
            }
            RocksIndex.check(it);
        }
        long[] counts = new long[3];
        objects.forEach(o -> {
            counts[0]++;
            if (o.type() == dev.forge.core.model.ObjectType.CHUNK) {
                counts[1]++;
                counts[2] += o.rawLength();
            }
        });
        return new StorageUsage(packs, bytes, counts[0], counts[2], counts[1]);
    }

    @Override
    public SweepReport sweep(
            dev.forge.core.port.LiveSet live, double minLiveShare, boolean dryRun, ProgressListener progress) {
        if (!dryRun && readOnly != null) throw RocksLocalStoreFactory.readOnly(forgeDir, readOnly);
        return new Sweeper(index, objects).run(live, minLiveShare, dryRun, progress);
    }

    @Override
    public CompactReport compact(ProgressListener progress) {
        if (readOnly != null) throw RocksLocalStoreFactory.readOnly(forgeDir, readOnly);
        PackCompactor.Result packs = new PackCompactor(index, objects).run(PackCompactor.GC_SMALL, 2, progress);
        long filesBefore = index.tableFiles() + index.walFiles();
        if (roomToCompactIndex()) index.compactAll();
        return new CompactReport(
                packs.packsBefore(), packs.packsAfter(), filesBefore, index.tableFiles() + index.walFiles());
    }

    /** Compaction writes the new table files before it deletes the old: room for a second index. */
    private boolean roomToCompactIndex() {
        try (java.util.stream.Stream<Path> s = Files.list(forgeDir.resolve("index"))) {
            long size = 0;
            for (Path p : s.toList()) size += Files.size(p);
            return Files.getFileStore(forgeDir).getUsableSpace() > 2 * size + RocksIndex.HOUSEKEEPING_MIN_FREE;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() {
        if (readOnly == null && objects.publishedAny()) {
            try {
                new PackCompactor(index, objects)
                        .run(PackCompactor.AUTO_SMALL, PackCompactor.AUTO_TRIGGER, ProgressListener.NONE);
            } catch (RuntimeException e) {
                // Housekeeping: what was merged is durable, the rest stays as it was; gc tries again.
            }
        }
        objects.close();
        index.close();
        if (readOnly == null) SpaceReserve.restore(forgeDir);
    }
}
