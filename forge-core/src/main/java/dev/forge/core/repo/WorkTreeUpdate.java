package dev.forge.core.repo;

import dev.forge.core.error.ForgeException;
import dev.forge.core.error.WouldOverwriteException;
import dev.forge.core.port.ProgressListener;
import dev.forge.core.port.StageEntry;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * One change of the work tree (files to write, files to delete) that ends where it started or where
 * it was asked to go. Every new file is first written and verified in a scratch folder under {@code
 * .forge/tmp/} (on the work tree's file system; each chunk read once, files in parallel) while the
 * work tree is untouched, so damage met on the way changes nothing. Only then is each file renamed
 * into place, what it replaces kept aside in the scratch folder (a hard link, or moved there), after
 * the files to delete were moved aside there; if one of these steps fails, the steps done are undone
 * in reverse order. The scratch folder, with what was kept aside, is deleted at the end.
 *
 * <p>A kill during the renames leaves a mix (HEAD has not moved; {@code status} shows it, {@code
 * checkout --force} finishes it) and the scratch folder, which holds the replaced files until the
 * next command clears {@code .forge/tmp/}. A file on another file system than {@code .forge} (a mount
 * inside the work tree) is copied into place instead, and what it replaces is not kept.
 */
final class WorkTreeUpdate {
    private final Repository repo;
    private final Path root;
    private final List<Undo> undo = new ArrayList<>();
    private Path scratch;
    private int kept;

    /** One step done in the work tree and how to take it back. */
    private interface Undo {
        void run() throws IOException;
    }

    WorkTreeUpdate(Repository repo) {
        this.repo = repo;
        this.root = repo.workTree().root();
    }

    /** Where a work-tree change is staged: a new folder under {@code .forge/tmp/}, beside pack writers' files. */
    static Path newScratch(Path forgeDir) throws IOException {
        Path tmp = Files.createDirectories(forgeDir.resolve("tmp"));
        return Files.createTempDirectory(tmp, "checkout-");
    }

    /**
     * Writes {@code writes} and deletes {@code removes} (paths relative to the root). With {@code force},
     * a file or symlink that stands where a folder of a new file should be is removed; without it that
     * is refused ({@link WouldOverwriteException}) and nothing changes.
     */
    void run(List<StageEntry> writes, List<String> removes, boolean force, ProgressListener progress) {
        if (writes.isEmpty() && removes.isEmpty()) return;
        try {
            scratch = newScratch(repo.forgeDir());
        } catch (IOException e) {
            throw Repository.io("cannot create a scratch folder in " + repo.forgeDir(), e);
        }
        boolean done = false;
        try {
            List<Path> staged = stage(writes, progress);
            try {
                // Deletions first: a file that goes may stand where a new file's folder comes.
                for (String path : removes) remove(path);
                for (int i = 0; i < writes.size(); i++) place(writes.get(i).path(), staged.get(i), force);
            } catch (IOException e) {
                throw Repository.io("cannot update the work tree", e);
            }
            done = true;
        } catch (RuntimeException | Error e) {
            if (!rollBack(e)) {
                throw new ForgeException(
                        e.getMessage() + "; the work tree could not be put back as it was (what it replaced is in "
                                + scratch + ")",
                        e);
            }
            throw e;
        } finally {
            if (done || undo.isEmpty()) deleteScratch();
        }
    }

    /** Writes every new file into the scratch folder; the work tree does not change. */
    private List<Path> stage(List<StageEntry> writes, ProgressListener progress) {
        Path dir = scratch.resolve("new");
        List<Path> files = new ArrayList<>(writes.size());
        long bytes = 0;
        for (int i = 0; i < writes.size(); i++) {
            files.add(dir.resolve(Integer.toString(i)));
            bytes += writes.get(i).content().size();
        }
        try {
            Files.createDirectory(dir);
        } catch (IOException e) {
            throw Repository.io("cannot create " + dir, e);
        }
        progress.begin("Checking out", bytes, "B");
        try {
            new ContentWriter(repo.objects, progress).writeTo(writes, files);
        } finally {
            progress.end();
        }
        return files;
    }

    /**
     * Renames a staged file to {@code path}, keeping what stood there (a file, or with {@code force} a
     * folder in the way).
     */
    private void place(String path, Path staged, boolean force) throws IOException {
        Path target = root.resolve(path);
        makeParents(path, target.getParent(), force);
        if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
            // A folder where the file goes may hold the user's files: only --force clears it.
            if (!force) {
                throw new WouldOverwriteException("cannot write " + path
                        + ": a folder is in the way; move it away (checkout and switch: or use --force)");
            }
            moveAside(target);
        } else if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            keep(target);
        }
        try {
            Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            copyInto(staged, target);
        }
        undo.add(() -> Files.deleteIfExists(target));
    }

    /**
     * Creates the folders above {@code path} down from the root. A symlink or file where one should be is
     * never followed (that could write outside the work tree): it is moved aside with {@code force}, else
     * refused.
     */
    private void makeParents(String path, Path dir, boolean force) throws IOException {
        List<Path> chain = new ArrayList<>();
        for (Path p = dir; p != null && p.startsWith(root) && !p.equals(root); p = p.getParent()) chain.add(0, p);
        for (Path p : chain) {
            if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) continue;
            if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                if (!force) {
                    throw new WouldOverwriteException("cannot write " + path + ": " + root.relativize(p)
                            + " is a file or symlink, not a directory; move it away or use --force");
                }
                moveAside(p);
            }
            Files.createDirectory(p);
            undo.add(() -> Files.deleteIfExists(p));
        }
    }

    /**
     * Deletes the file {@code path} (moved aside until the end) and the folders it leaves empty. A folder
     * that now stands there is the user's, and stays.
     */
    private void remove(String path) throws IOException {
        Path p = root.resolve(path);
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS) || Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) return;
        moveAside(p);
        for (Path d = p.getParent(); d != null && d.startsWith(root) && !d.equals(root); d = d.getParent()) {
            try (var s = Files.list(d)) {
                if (s.findAny().isPresent()) return;
            }
            Files.delete(d);
            Path gone = d;
            undo.add(() -> Files.createDirectories(gone));
        }
    }

    /** Keeps a file that is about to be replaced: a hard link in the scratch folder, else moved there. */
    private void keep(Path target) throws IOException {
        if (Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) {
            Path copy = nextKept();
            try {
                Files.createLink(copy, target);
                undo.add(() ->
                        Files.move(copy, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING));
                return;
            } catch (IOException | UnsupportedOperationException e) {
                // No hard links here (or another file system): move it instead.
            }
        }
        moveAside(target);
    }

    /** Moves {@code p} (a file, symlink or whole folder) into the scratch folder, to be put back on failure. */
    private void moveAside(Path p) throws IOException {
        Path aside = nextKept();
        try {
            Files.move(p, aside, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            // Another file system: it cannot be kept by a rename. Delete it; the change goes on without a way back.
            ContentWriter.deleteTree(p);
            return;
        }
        undo.add(() -> {
            ContentWriter.deleteTree(p);
            Files.move(aside, p, StandardCopyOption.ATOMIC_MOVE);
        });
    }

    private Path nextKept() throws IOException {
        Path dir = scratch.resolve("old");
        if (kept == 0) Files.createDirectories(dir);
        return dir.resolve(Integer.toString(kept++));
    }

    /** A staged file onto another file system: copied beside the target, then renamed over it. */
    private static void copyInto(Path staged, Path target) throws IOException {
        Path tmp = target.resolveSibling(".forge-tmp-" + target.getFileName() + ".part");
        try {
            Files.copy(staged, tmp, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Undoes what was done, last step first; false when some step could not be undone. */
    private boolean rollBack(Throwable failure) {
        boolean whole = true;
        for (int i = undo.size() - 1; i >= 0; i--) {
            try {
                undo.get(i).run();
            } catch (IOException | RuntimeException e) {
                failure.addSuppressed(e);
                whole = false;
            }
        }
        if (whole) undo.clear();
        return whole;
    }

    private void deleteScratch() {
        try {
            ContentWriter.deleteTree(scratch);
        } catch (IOException ignored) {
            // Leftovers in .forge/tmp/ take space but are never read; the next writing command clears them.
        }
    }
}
