package dev.forge.core.port;

import java.nio.file.Path;
import java.util.List;

/** Creates and opens local repositories; implemented by forge-storage, chosen by the CLI. */
public interface LocalStoreFactory {
    /**
     * Creates {@code workTree/.forge}, setting up an empty or incomplete one (a folder with nothing but
     * empty folders in it); fails if a repository, a damaged one or anything else is there.
     */
    LocalStore create(Path workTree, RepoConfig config);

    /** Opens the repository whose work tree is {@code workTree} to change it ({@link Mode#WRITE}). */
    LocalStore open(Path workTree);

    /**
     * How a command uses the repository. A store that cannot be written (a read-only mount, a full
     * disk) still opens for {@link #READ}; for {@link #WRITE} it fails at once with a message naming
     * the folder and why.
     */
    enum Mode {
        /**
         * The command only reads. The store may open read-only (then {@link LocalStore#readOnly()}):
         * cache writes (the stat cache) are dropped, any other change is refused.
         */
        READ,
        /**
         * The command only reads, and may refresh caches (status and the stat cache): the store opens
         * the index read-only beside other readers whenever nothing waits to be recovered, so that no
         * index file is written or synced; cache writes go where they need no index write. Else as
         * {@link #READ}.
         */
        SHARED,
        /** The command changes the repository. */
        WRITE,
        /**
         * The command changes the repository to free space (gc): on a full disk the store may use
         * space it keeps in reserve for this, so that it can open at all.
         */
        RECLAIM
    }

    /** Opens the repository whose work tree is {@code workTree} for {@code mode}. */
    default LocalStore open(Path workTree, Mode mode) {
        return open(workTree);
    }

    /**
     * The nearest directory at or above {@code start} that holds a repository, or null. A {@code .forge}
     * that is empty or damaged counts (so that {@link #open} says what it is), another program's folder
     * of that name does not.
     */
    Path findWorkTree(Path start);

    /**
     * Rebuilds the repository's index from what survives of it, its pack files and whatever else the
     * store keeps for the purpose ({@code forge repair --index}). Safe to interrupt and run again.
     */
    default IndexRebuildReport rebuildIndex(Path workTree, ProgressListener progress) {
        throw new UnsupportedOperationException("this store has no index to rebuild");
    }

    /**
     * What a rebuild found and where each part of the state came from.
     *
     * @param packs pack files indexed
     * @param objects objects indexed
     * @param damagedRecords pack records skipped because they did not check
     * @param refsFrom where refs, HEAD and remotes came from
     * @param refs refs in the new index
     * @param operations op-log entries in the new index
     * @param stageFrom where the stage came from
     * @param oldIndex where the old index was moved (kept for inspection), or null if there was none
     * @param notes what could not be recovered, and other findings, one line each
     */
    record IndexRebuildReport(
            long packs,
            long objects,
            long damagedRecords,
            String refsFrom,
            long refs,
            long operations,
            String stageFrom,
            Path oldIndex,
            List<String> notes) {}
}
