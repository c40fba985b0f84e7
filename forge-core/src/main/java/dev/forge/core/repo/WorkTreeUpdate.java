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
 * it was asked to go. Every new file is first written and verified into a temporary file ({@link
 * TempFiles}: {@code .forge/tmp/wt-*.part}, on the work tree's file system; each chunk read once,
 * files in parallel) while the work tree is untouched, so damage met on the way changes nothing. Only
 * then are the files to delete moved aside (to temporary names) and each new file renamed into place,
 * what it replaces kept aside too (a hard link, or moved); if one of these steps fails, the steps done
 * are undone in reverse order. What was kept aside is deleted at the end.
 *
 * <p>A kill during the renames leaves a mix (HEAD has not moved; {@code status} shows it, {@code
 * checkout --force} finishes it), and temporary files that the next command removes ({@link
 * TempFiles#sweep}); what they held is in the repository, or was discarded with {@code --force}. A
 * file on another file system than {@code .forge} (a mount inside the work tree) is copied into place
 * ({@link TempFiles#publish}), and what it replaces is deleted, not kept.
 */
final class WorkTreeUpdate {
    private final Repository repo;
    private final Path root;
    private final TempFiles temp;
    private final List<Undo> undo = new ArrayList<>();
    /** Every temporary file this change made: removed at the end, whatever happened. */
    private final List<Path> temporary = new ArrayList<>();

    /** One step done in the work tree and how to take it back. */
    private interface Undo {
        void run() throws IOException;
    }

    WorkTreeUpdate(Repository repo) {
        this.repo = repo;
        this.root = repo.workTree().root();
        this.temp = TempFiles.in(repo.forgeDir());
    }

    /**
     * Writes {@code writes} and deletes {@code removes} (paths relative to the root). With {@code force},
     * a file or symlink that stands where a folder of a new file should be, or a folder where a new file
     * goes, is removed; without it that is refused ({@link WouldOverwriteException}) and nothing changes.
     */
    void run(List<StageEntry> writes, List<String> removes, boolean force, ProgressListener progress) {
        if (writes.isEmpty() && removes.isEmpty()) return;
        boolean keepTemporary = false;
        try {
            List<Path> staged = stage(writes, progress);
            try {
                // Deletions first: a file that goes may stand where a new file's folder comes.
                for (String path : removes) remove(path);
                for (int i = 0; i < writes.size(); i++) place(writes.get(i).path(), staged.get(i), force);
            } catch (IOException e) {
                throw Repository.io("cannot update the work tree", e);
            }
        } catch (RuntimeException | Error e) {
            if (!rollBack(e)) {
                keepTemporary = true;
                throw new ForgeException(
                        e.getMessage() + "; the work tree could not be put back as it was: run 'forge status',"
                                + " and 'forge checkout --force' to finish",
                        e);
            }
            throw e;
        } finally {
            if (!keepTemporary) deleteTemporary();
        }
    }

    /** Writes every new file into a temporary file; the work tree does not change. */
    private List<Path> stage(List<StageEntry> writes, ProgressListener progress) {
        List<Path> files = new ArrayList<>(writes.size());
        long bytes = 0;
        try {
            for (StageEntry w : writes) {
                files.add(newTemporary());
                bytes += w.content().size();
            }
        } catch (IOException e) {
            throw Repository.io(
                    "cannot create temporary files in " + repo.forgeDir().resolve("tmp"), e);
        }
        progress.begin("Checking out", bytes, "B");
        try {
            new ContentWriter(repo.objects, progress, temp).writeTo(writes, files);
        } finally {
            progress.end();
        }
        return files;
    }

    private Path newTemporary() throws IOException {
        Path p = temp.create(root);
        temporary.add(p);
        return p;
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
        temp.publish(staged, target);
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

    /** Keeps a file that is about to be replaced: a hard link to it, else the file itself moved aside. */
    private void keep(Path target) throws IOException {
        if (Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) {
            Path copy = newTemporary();
            try {
                Files.delete(copy);
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

    /** Moves {@code p} (a file, symlink or whole folder) to a temporary name, to be put back on failure. */
    private void moveAside(Path p) throws IOException {
        Path aside = newTemporary();
        Files.delete(aside); // a folder cannot be renamed over a file
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
        undo.clear();
        return whole;
    }

    private void deleteTemporary() {
        for (Path p : temporary) {
            try {
                ContentWriter.deleteTree(p);
            } catch (IOException ignored) {
                // A leftover in .forge/tmp/ takes space but is never read; the next command removes it.
            }
        }
    }
}
