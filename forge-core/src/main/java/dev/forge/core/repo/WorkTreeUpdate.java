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
 * are undone in reverse order.
 *
 * <p>Each step is written to a {@link WorkTreeJournal} before it is taken, and the change stays
 * pending until the {@link Transaction} that records it (HEAD, refs, stage) commits: then the journal
 * and what was kept aside are deleted. A command killed in between is undone by the next command that
 * opens the repository to write (or finished, if its transaction committed), so a kill never leaves
 * the work tree half moved. A file on another file system than {@code .forge} (a mount inside the work
 * tree) is copied into place ({@link TempFiles#publish}), and what it replaces is deleted, not kept.
 */
final class WorkTreeUpdate {
    private final Repository repo;
    private final Path root;
    private final Path tmpDir;
    private final TempFiles temp;
    /** The steps taken, in order; their undo is {@link WorkTreeJournal#undo}. */
    private final List<WorkTreeJournal.Step> steps = new ArrayList<>();
    /** Every temporary file this change made: removed at the end, whatever happened. */
    private final List<Path> temporary = new ArrayList<>();

    private WorkTreeJournal journal;
    /** Test hook: after this many steps an update stops as a killed process would (-1: never). */
    static volatile int crashAfterSteps = -1;

    /** Thrown by the test hook {@link #crashAfterSteps}: nothing is undone or cleaned, as after a kill. */
    static final class SimulatedCrash extends Error {
        private static final long serialVersionUID = 1L;

        SimulatedCrash() {
            super("simulated crash", null, false, false);
        }
    }

    WorkTreeUpdate(Repository repo) {
        this.repo = repo;
        this.root = repo.workTree().root();
        this.tmpDir = repo.forgeDir().resolve("tmp");
        this.temp = TempFiles.in(repo.forgeDir());
    }

    /**
     * Undoes what a killed update left, unless its transaction committed ({@link WorkTreeJournal}).
     * Called when a repository is opened to write, before temporary files are swept.
     */
    static void recover(Repository repo) {
        WorkTreeJournal.recover(
                repo.forgeDir(), repo.workTree().root(), repo.meta().lastOperationSeq());
    }

    /**
     * Writes {@code writes} and deletes {@code removes} (paths relative to the root). With {@code force},
     * a file or symlink that stands where a folder of a new file should be, or a folder where a new file
     * goes, is removed; without it that is refused ({@link WouldOverwriteException}) and nothing changes.
     * With a {@code tx}, the change is final when {@code tx} commits (and undone if it fails to); without
     * one, when this returns.
     */
    void run(List<StageEntry> writes, List<String> removes, boolean force, ProgressListener progress, Transaction tx) {
        if (writes.isEmpty() && removes.isEmpty()) return;
        boolean pending = false;
        try {
            List<Path> staged = stage(writes, progress);
            try {
                Files.createDirectories(tmpDir);
                recover(repo); // a change this process left uncommitted
                journal = WorkTreeJournal.start(repo.forgeDir(), repo.meta().lastOperationSeq());
                // Deletions first: a file that goes may stand where a new file's folder comes.
                for (String path : removes) remove(path);
                for (int i = 0; i < writes.size(); i++) place(writes.get(i).path(), staged.get(i), force);
            } catch (IOException e) {
                throw Repository.io("cannot update the work tree", e);
            }
            if (tx != null) {
                tx.attach(this);
                pending = true;
            } else {
                finish();
            }
        } catch (SimulatedCrash e) {
            pending = true;
            throw e;
        } catch (RuntimeException | Error e) {
            if (!rollBack(e)) {
                pending = true; // the journal stays: the next command tries again
                throw new ForgeException(
                        e.getMessage() + "; the work tree could not be put back as it was: run 'forge status',"
                                + " and 'forge checkout --force' to finish",
                        e);
            }
            throw e;
        } finally {
            if (!pending) deleteTemporary();
        }
    }

    /** The transaction committed: the change is final. The journal goes first, then what was kept aside. */
    void finish() {
        try {
            if (journal != null) journal.delete();
        } catch (IOException e) {
            // The next open finds the op log moved on and deletes it.
        } finally {
            journal = null;
            deleteTemporary();
        }
    }

    /** The transaction failed to commit: the work tree goes back as it was. */
    void abandon(Throwable failure) {
        rollBack(failure);
        deleteTemporary();
    }

    /** Writes every new file into a temporary file; the work tree does not change. */
    private List<Path> stage(List<StageEntry> writes, ProgressListener progress) {
        List<Path> files = new ArrayList<>(writes.size());
        // Files a clone wrote as their chunks arrived (Prefill) are taken whole; the rest are written here.
        List<StageEntry> toWrite = new ArrayList<>(writes.size());
        List<Path> toFill = new ArrayList<>(writes.size());
        Prefill prefilled = repo.prefill();
        long bytes = 0;
        long done = 0;
        try {
            for (StageEntry w : writes) {
                Path ready = prefilled == null ? null : prefilled.take(w);
                if (ready != null) {
                    temporary.add(ready);
                    files.add(ready);
                    done += w.content().size();
                } else {
                    Path p = newTemporary();
                    files.add(p);
                    toWrite.add(w);
                    toFill.add(p);
                }
                bytes += w.content().size();
            }
        } catch (IOException e) {
            throw Repository.io("cannot create temporary files in " + tmpDir, e);
        }
        progress.begin("Checking out", bytes, "B");
        try {
            progress.advance(done);
            new ContentWriter(repo.objects, progress, temp).writeTo(toWrite, toFill);
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

    /** A temporary name that does not exist yet, for something moved aside. */
    private Path asideName() throws IOException {
        Path p = newTemporary();
        Files.delete(p); // a folder cannot be renamed over a file
        return p;
    }

    /** Journals {@code step} (before it is taken) and remembers it for a rollback. */
    private void log(WorkTreeJournal.Kind kind, Path target, Path staged, Path aside) throws IOException {
        if (crashAfterSteps >= 0 && steps.size() >= crashAfterSteps) throw new SimulatedCrash();
        WorkTreeJournal.Step step = new WorkTreeJournal.Step(
                kind,
                root.relativize(target).toString(),
                staged == null ? null : staged.getFileName().toString(),
                aside == null ? null : aside.getFileName().toString());
        journal.append(step);
        steps.add(step);
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
            Path aside = asideName();
            log(WorkTreeJournal.Kind.PLACE, target, staged, aside);
            moveAside(target, aside);
        } else if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            Path aside = asideName();
            log(WorkTreeJournal.Kind.PLACE, target, staged, aside);
            keep(target, aside);
        } else {
            log(WorkTreeJournal.Kind.PLACE, target, staged, null);
        }
        temp.publish(staged, target);
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
                Path aside = asideName();
                log(WorkTreeJournal.Kind.ASIDE, p, null, aside);
                moveAside(p, aside);
            }
            log(WorkTreeJournal.Kind.MKDIR, p, null, null);
            Files.createDirectory(p);
        }
    }

    /**
     * Deletes the file {@code path} (moved aside until the end) and the folders it leaves empty. A folder
     * that now stands there is the user's, and stays.
     */
    private void remove(String path) throws IOException {
        Path p = root.resolve(path);
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS) || Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) return;
        Path aside = asideName();
        log(WorkTreeJournal.Kind.ASIDE, p, null, aside);
        moveAside(p, aside);
        for (Path d = p.getParent(); d != null && d.startsWith(root) && !d.equals(root); d = d.getParent()) {
            try (var s = Files.list(d)) {
                if (s.findAny().isPresent()) return;
            }
            log(WorkTreeJournal.Kind.RMDIR, d, null, null);
            Files.delete(d);
        }
    }

    /** Keeps a file that is about to be replaced at {@code aside}: a hard link to it, else the file itself moved. */
    private void keep(Path target, Path aside) throws IOException {
        if (Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) {
            try {
                Files.createLink(aside, target);
                return;
            } catch (IOException | UnsupportedOperationException e) {
                // No hard links here (or another file system): move it instead.
            }
        }
        moveAside(target, aside);
    }

    /** Moves {@code p} (a file, symlink or whole folder) to {@code aside}, to be put back on failure. */
    private static void moveAside(Path p, Path aside) throws IOException {
        try {
            Files.move(p, aside, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            // Another file system: it cannot be kept by a rename. Delete it; the change goes on without a way back.
            ContentWriter.deleteTree(p);
        }
    }

    /** Undoes what was done, last step first; false when some step could not be undone. */
    private boolean rollBack(Throwable failure) {
        boolean whole = true;
        for (int i = steps.size() - 1; i >= 0; i--) {
            try {
                WorkTreeJournal.undo(steps.get(i), root, tmpDir);
            } catch (IOException | RuntimeException e) {
                failure.addSuppressed(e);
                whole = false;
            }
        }
        steps.clear();
        if (journal != null) {
            try {
                // Undone: the journal goes. Not wholly: it stays (closed) for the next command to try again.
                if (whole) journal.delete();
                else journal.close();
                journal = null;
            } catch (IOException e) {
                failure.addSuppressed(e);
            }
        }
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
        temporary.clear();
    }
}
