package dev.forge.core.port;

import java.nio.file.Path;

/**
 * One opened local repository ({@code .forge/}): its objects, metadata and config. Opening takes the
 * repository's lock; close releases it.
 */
public interface LocalStore extends AutoCloseable {
    Path workTree();

    Path forgeDir();

    RepoConfig config();

    /**
     * True when this store was opened read-only ({@link LocalStoreFactory.Mode#READ} where writing is
     * impossible): reads work, cache writes are dropped, every change fails with {@link
     * dev.forge.core.error.ReadOnlyRepositoryException}.
     */
    default boolean readOnly() {
        return false;
    }

    void saveConfig(RepoConfig config);

    ObjectStore objects();

    MetadataStore metadata();

    /** Checks every pack record and index entry; reports problems to {@code problems}. */
    StorageCheck checkStorage(ProgressListener progress);

    /** Pack files and their total size on disk. */
    StorageUsage usage();

    /**
     * Garbage collection's sweep: drops index entries of objects not in {@code live}, rewrites packs whose
     * live share is below {@code minLiveShare} (copying live records without recompressing), deletes
     * packs with nothing live and pack files nothing references. Live objects are copied and indexed
     * before anything is deleted, so a crash at any point loses nothing reachable.
     */
    SweepReport sweep(LiveSet live, double minLiveShare, boolean dryRun, ProgressListener progress);

    /**
     * gc's last step: merges small packs into large ones and compacts the index, so that the number
     * of files does not grow with the number of commands. Changes no object's content or presence.
     */
    default CompactReport compact(ProgressListener progress) {
        return new CompactReport(0, 0, 0, 0);
    }

    /** Pack files and index files before and after {@link #compact}. */
    record CompactReport(long packsBefore, long packsAfter, long indexFilesBefore, long indexFilesAfter) {}

    record SweepReport(
            long objectsBefore,
            long deadObjects,
            long packsBefore,
            long packsRewritten,
            long packsDeleted,
            long bytesBefore,
            long bytesAfter,
            long orphanFiles) {}

    @Override
    void close();

    record StorageCheck(long packs, long records, long indexEntries, java.util.List<String> problems) {}

    record StorageUsage(long packs, long packBytes, long objects, long chunkRawBytes, long chunks) {}
}
