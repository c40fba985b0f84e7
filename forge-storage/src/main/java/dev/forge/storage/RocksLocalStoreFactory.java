package dev.forge.storage;

import dev.forge.core.error.ForgeException;
import dev.forge.core.error.IntegrityException;
import dev.forge.core.error.NotARepositoryException;
import dev.forge.core.error.ReadOnlyRepositoryException;
import dev.forge.core.port.LocalStore;
import dev.forge.core.port.LocalStoreFactory;
import dev.forge.core.port.ProgressListener;
import dev.forge.core.port.RepoConfig;
import dev.forge.core.repo.InitLeftovers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

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

    /** Folders and files only forge makes in {@code .forge} (besides the config). */
    private static final java.util.Set<String> OWN_DIRS =
            java.util.Set.of("packs", "tmp", "index", "remotes", "import", "web-cache", IndexRebuild.NEW_DIR);

    private static final java.util.Set<String> OWN_FILES = java.util.Set.of(
            OpJournal.FILE,
            StatusSnapshot.FILE,
            StageFile.FILE,
            StageFile.NEW_FILE,
            SpaceReserve.FILE,
            SpaceReserve.FILE + ".tmp",
            "sparse",
            "sparse.tmp",
            "config.tmp",
            "mirrors",
            "mirrors.tmp",
            "lazy",
            "lazy.tmp",
            "evicted",
            "evicted.tmp",
            dev.forge.core.retain.RetentionPolicy.FILE,
            dev.forge.core.retain.RetentionPolicy.FILE + ".tmp",
            dev.forge.core.retain.PurgeRecord.FILE,
            dev.forge.core.retain.PurgeRecord.FILE + ".tmp",
            "clone-id",
            "damaged",
            "worktree-journal",
            "clone-in-progress");

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
                boolean dir = Files.isDirectory(e, java.nio.file.LinkOption.NOFOLLOW_LINKS);
                if (!dir && OWN_FILES.contains(name)) {
                    empty = false; // the journal, the reserve: a repository's, never set up over
                    continue;
                }
                if (!dir || !(OWN_DIRS.contains(name) || name.startsWith(IndexRebuild.OLD_PREFIX))) {
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

    /**
     * Below this much free space a reading command opens the index read-only: opening it read-write
     * writes a new log, manifest and options file and flushes the last command's log to table files.
     */
    static final long READ_WRITE_MIN_FREE = 64L << 20;

    @Override
    public LocalStore open(Path workTree) {
        return open(workTree, Mode.WRITE);
    }

    @Override
    public LocalStore open(Path workTree, Mode mode) {
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
        if (!Files.isDirectory(forge.resolve("packs"))) {
            throw new IntegrityException("the repository in " + workTree + " is incomplete: .forge/packs is missing");
        }
        Path index = forge.resolve("index");
        if (!Files.isDirectory(index)) {
            throw new IntegrityException("the repository index " + index
                    + " is missing; 'forge repair --index' rebuilds it from the pack files");
        }
        String unwritable = unwritableReason(forge);
        if (mode == Mode.SHARED && unwritable == null && nothingToRecover(forge)) {
            LocalStore fromSnapshot = fromSnapshot(workTree, forge, config, index);
            if (fromSnapshot != null) return fromSnapshot;
            RocksLocalStore shared = RocksLocalStore.shared(workTree, forge, config, index);
            if (shared != null) return shared;
        }
        if (mode != Mode.READ && mode != Mode.SHARED) {
            if (unwritable != null) throw readOnly(forge, unwritable);
            // gc on a (nearly) full disk: the reserve is what lets the index open and take the deletions
            if (mode == Mode.RECLAIM && usableSpace(forge) < READ_WRITE_MIN_FREE) SpaceReserve.release(forge);
            try {
                return openReadWrite(workTree, forge, config);
            } catch (RocksIndex.Unwritable e) {
                if (!e.noSpace) throw readOnly(forge, e.getMessage());
                if (mode == Mode.RECLAIM && SpaceReserve.release(forge)) {
                    try {
                        return openReadWrite(workTree, forge, config);
                    } catch (RocksIndex.Unwritable again) {
                        // no better with the reserve: say so below
                    }
                }
                throw new ForgeException("no space left on the device of " + forge
                        + (mode == Mode.RECLAIM
                                ? " even to start gc: free a few megabytes, then run 'forge gc'"
                                : " to change the repository: 'forge gc' frees what nothing needs;"
                                        + " reading commands still work"));
            }
        }
        if (unwritable == null) {
            if (usableSpace(forge) >= READ_WRITE_MIN_FREE) {
                try {
                    return openReadWrite(workTree, forge, config);
                } catch (RocksIndex.Unwritable e) {
                    unwritable = e.noSpace ? "its device is full" : e.getMessage();
                }
            } else {
                unwritable = "its device is nearly full";
            }
        }
        return new RocksLocalStore(
                workTree, forge, config, RocksIndex.open(index, RocksIndex.Access.READ_ONLY), unwritable);
    }

    /**
     * A status's store that reads the index only if it must: when the last status's {@link
     * StatusSnapshot} still matches the index under its shared lock. Null otherwise.
     */
    private static LocalStore fromSnapshot(Path workTree, Path forge, RepoConfig config, Path index) {
        StatusSnapshot snap = StatusSnapshot.read(forge);
        if (snap == null) return null;
        IndexLock lock = IndexLock.shared(index, System.nanoTime() + RocksIndex.lockTimeoutSeconds() * 1_000_000_000L);
        if (!snap.matches(index)) {
            lock.close();
            return null;
        }
        return new SnapshotLocalStore(workTree, forge, config, index, snap, lock);
    }

    /**
     * Whether an opening to write would find nothing to finish: no interrupted work-tree change, no
     * lazy or sparse clone (whose reads may fetch and store objects).
     */
    private static boolean nothingToRecover(Path forge) {
        for (String f : List.of("worktree-journal", "lazy", "sparse", "clone-in-progress")) {
            if (Files.exists(forge.resolve(f), java.nio.file.LinkOption.NOFOLLOW_LINKS)) return false;
        }
        // What a killed command left in .forge/tmp (packs, work-tree files) is swept by the next command
        // that opens the repository to write: a status opens it so then, instead of read-only.
        try (java.util.stream.Stream<Path> left = Files.list(forge.resolve("tmp"))) {
            if (left.findAny().isPresent()) return false;
        } catch (IOException e) {
            // no tmp folder (or unreadable): nothing this status could sweep either
        }
        return true;
    }

    private static LocalStore openReadWrite(Path workTree, Path forge, RepoConfig config) {
        try {
            Files.createDirectories(forge.resolve("tmp"));
        } catch (IOException e) {
            throw new ForgeException("cannot use " + forge + ": " + e.getMessage(), e);
        }
        return new RocksLocalStore(
                workTree, forge, config, RocksIndex.open(forge.resolve("index"), RocksIndex.Access.READ_WRITE), null);
    }

    /**
     * Why {@code forge} cannot be written, or null when it can. Only when access(2) says it cannot is a
     * file created, to learn why from the error (a read-only bind mount of a writable file system
     * shows in no mount table the JDK reads).
     */
    static String unwritableReason(Path forge) {
        if (Files.isWritable(forge) && Files.isWritable(forge.resolve("index"))) return null;
        try {
            Files.delete(Files.createTempFile(forge.resolve("index"), ".write-probe-", ""));
            return null; // writable after all (an ACL access(2) does not see)
        } catch (java.nio.file.AccessDeniedException e) {
            return "it is not writable by this user";
        } catch (java.nio.file.FileSystemException e) {
            String why = String.valueOf(e.getReason());
            if (why.contains("Read-only file system")) return "it is on a read-only file system";
            return "it is not writable (" + why + ")";
        } catch (IOException e) {
            return "it is not writable (" + e.getMessage() + ")";
        }
    }

    private static long usableSpace(Path dir) {
        try {
            return Files.getFileStore(dir).getUsableSpace();
        } catch (IOException e) {
            return Long.MAX_VALUE; // unknown: let the opening itself find out
        }
    }

    static ReadOnlyRepositoryException readOnly(Path forge, String reason) {
        return new ReadOnlyRepositoryException("cannot change the repository in " + forge + ": " + reason
                + "; reading commands (status, log, show, diff, fsck) still work");
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
            ForgeDir d = classify(p);
            if (d == ForgeDir.REPOSITORY || d == ForgeDir.EMPTY || d == ForgeDir.DAMAGED) return p;
        }
        return null;
    }
}
