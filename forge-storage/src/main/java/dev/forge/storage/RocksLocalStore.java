package dev.forge.storage;

import dev.forge.core.error.ForgeException;
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
 * .forge/index/      RocksDB: object index, pack list, refs, HEAD, stage, stat cache, op log
 * .forge/tmp/        packs being written; anything here at open time is left over from a crash
 * </pre>
 */
public final class RocksLocalStore implements LocalStore {
    private final Path workTree;
    private final Path forgeDir;
    private RepoConfig config;
    private final RocksIndex index;
    private final RocksObjectStore objects;
    private final RocksMetadataStore metadata;

    RocksLocalStore(Path workTree, Path forgeDir, RepoConfig config, RocksIndex index) {
        this.workTree = workTree;
        this.forgeDir = forgeDir;
        this.config = config;
        this.index = index;
        this.objects = new RocksObjectStore(
                index,
                forgeDir.resolve("packs"),
                forgeDir.resolve("tmp"),
                config.chunking().maxSize(),
                new DamagedRecords(forgeDir));
        this.metadata = new RocksMetadataStore(index);
        sweepTmp();
    }

    /** Removes pack files that a killed writer left unpublished: nothing can reference them. */
    private void sweepTmp() {
        Path tmp = forgeDir.resolve("tmp");
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(tmp, "pack-*.part")) {
            for (Path p : ds) Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // Best effort: leftovers waste space but never harm correctness.
        }
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
        return new Sweeper(index, objects).run(live, minLiveShare, dryRun, progress);
    }

    @Override
    public void close() {
        objects.close();
        index.close();
    }
}
