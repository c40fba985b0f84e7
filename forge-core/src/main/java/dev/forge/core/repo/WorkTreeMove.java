package dev.forge.core.repo;

import dev.forge.core.error.WouldOverwriteException;
import dev.forge.core.model.ObjectId;
import dev.forge.core.model.Tree;
import dev.forge.core.port.ProgressListener;
import dev.forge.core.port.StageEntry;
import dev.forge.core.port.StatEntry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Moves the work tree and the stage from what they are to a target snapshot: the one mechanism under
 * checkout, switch, fast-forward merge, pull and undo. {@link #plan} compares every path it would
 * overwrite or delete against the stage and the work tree and lists what would be lost: changes in
 * the work tree, staged changes that differ from HEAD, and untracked files in the way. Nothing is
 * written unless the list is empty or the caller forces it.
 */
final class WorkTreeMove {
    private final Repository repo;
    private final SortedMap<String, StageEntry> target;
    final List<StageEntry> toWrite = new ArrayList<>();
    final List<String> toRemove = new ArrayList<>();
    final List<String> blocked = new ArrayList<>();
    /** Files of the target whose contents were purged: not written (and removed when on disk). */
    final List<String> purged = new ArrayList<>();

    private WorkTreeMove(Repository repo, SortedMap<String, StageEntry> target) {
        this.repo = repo;
        this.target = target;
    }

    /**
     * @param head the files of HEAD's commit (empty before the first commit): a staged change that
     *     differs from it and would be replaced counts as uncommitted work
     */
    static WorkTreeMove plan(
            Repository repo, SortedMap<String, StageEntry> target, SortedMap<String, StageEntry> head) {
        WorkTreeMove m = new WorkTreeMove(repo, target);
        SortedMap<String, StageEntry> current = repo.stage().entries();
        WorkTree wt = repo.workTree();
        // A sparse clone neither writes nor removes files outside its paths (their chunks are not here).
        SparsePaths sparse = repo.sparse();
        m.hashUncached(target, current, sparse);
        for (StageEntry t : target.values()) {
            if (!sparse.includes(t.path())) continue;
            StageEntry cur = current.get(t.path());
            WorkFile f = wt.stat(t.path());
            boolean sameAsTarget = f != null && f.kind() == t.kind() && m.matches(f, t);
            if (sameAsTarget) continue;
            m.toWrite.add(t);
            if (cur == null) {
                if (f != null || Files.exists(wt.resolve(t.path()), LinkOption.NOFOLLOW_LINKS))
                    m.blocked.add(t.path() + " (untracked)");
            } else if (f == null && Files.isDirectory(wt.resolve(t.path()), LinkOption.NOFOLLOW_LINKS)) {
                // A tracked file replaced by a folder: what is in the folder is the user's.
                m.blocked.add(t.path() + " (a folder)");
            } else if (f != null && (f.kind() != cur.kind() || !m.matches(f, cur))) {
                m.blocked.add(t.path());
            } else if (!same(cur, head.get(t.path()))) {
                m.blocked.add(t.path() + " (staged)");
            }
        }
        for (StageEntry cur : current.values()) {
            if (target.containsKey(cur.path()) || !sparse.includes(cur.path())) continue;
            WorkFile f = wt.stat(cur.path());
            if (f != null && (f.kind() != cur.kind() || !m.matches(f, cur))) {
                m.blocked.add(cur.path());
            } else if (!same(cur, head.get(cur.path()))) {
                m.blocked.add(cur.path() + " (staged)");
            }
            if (f != null) m.toRemove.add(cur.path());
        }
        return m;
    }

    private static boolean same(StageEntry a, StageEntry b) {
        return b != null && a.kind() == b.kind() && Status.sameContent(a.content(), b.content());
    }

    /** Throws WouldOverwriteException naming what would be lost, unless forced. */
    WorkTreeMove check(String what, boolean force) {
        if (!blocked.isEmpty() && !force) {
            throw new WouldOverwriteException(what + " would overwrite uncommitted changes in " + blocked.size()
                    + " file" + (blocked.size() == 1 ? "" : "s") + " (" + preview(blocked)
                    + "); commit them, or use --force to discard them");
        }
        return this;
    }

    long bytes() {
        long n = 0;
        for (StageEntry t : toWrite) n += t.content().size();
        return n;
    }

    /**
     * Writes and deletes files as one {@link WorkTreeUpdate} (a failure, damage included, leaves the work
     * tree as it was), then adds to {@code tx} the new stage (which equals {@code targetTree} when that is
     * not null) and the fresh stat entries, and marks it as moving the work tree. The caller commits
     * {@code tx} (with its ref and HEAD changes) after this returns. Refuses before touching the work
     * tree when a sparse clone lacks the contents of a file it would write.
     */
    void apply(boolean force, ProgressListener progress, Transaction tx, ObjectId targetTree) {
        LocalContent local = new LocalContent(repo);
        WorkTree wt = repo.workTree();
        for (StageEntry e : local.purged(toWrite)) {
            toWrite.remove(e);
            purged.add(e.path());
            if (wt.stat(e.path()) != null && !toRemove.contains(e.path())) toRemove.add(e.path());
        }
        local.require(toWrite, null);
        new WorkTreeUpdate(repo).run(toWrite, toRemove, force, progress, tx);
        tx.replaceStage(target.values(), targetTree).movedWorkTree();
        long now = System.currentTimeMillis() * 1_000_000L;
        for (StageEntry t : toWrite) {
            WorkFile f = wt.stat(t.path());
            if (f != null && WorkTree.cacheable(f, now)) {
                tx.putStat(t.path(), new StatEntry(f.size(), f.mtimeNanos(), f.inode(), t.content()));
            } else {
                tx.deleteStat(t.path());
            }
        }
        for (String path : toRemove) tx.deleteStat(path);
    }

    /** Contents of the work-tree files the stat cache could not vouch for, hashed together in one parallel pass. */
    private final java.util.Map<String, dev.forge.core.model.ContentRef> hashed = new java.util.HashMap<>();

    /**
     * Hashes, in one Ingester run, every file the plan will compare whose stat is not in the cache and
     * whose size matches a side it is compared with (others differ without reading), instead of one
     * Ingester (and its buffers and thread) per file.
     */
    private void hashUncached(
            SortedMap<String, StageEntry> target, SortedMap<String, StageEntry> current, SparsePaths sparse) {
        java.util.TreeSet<String> paths = new java.util.TreeSet<>(target.keySet());
        paths.addAll(current.keySet());
        List<WorkFile> todo = new java.util.ArrayList<>();
        for (String path : paths) {
            if (!sparse.includes(path)) continue;
            WorkFile f = repo.workTree().stat(path);
            if (f == null) continue;
            StageEntry t = target.get(path);
            StageEntry c = current.get(path);
            boolean sizeMatters = (t != null && t.content().size() == f.size())
                    || (c != null && c.content().size() == f.size());
            if (sizeMatters && !WorkTree.unchanged(f, repo.meta().stat(path).orElse(null))) todo.add(f);
        }
        if (todo.isEmpty()) return;
        for (Ingester.Result r :
                new Ingester(repo.store().objects(), repo.config(), false, ProgressListener.NONE).run(todo)) {
            if (r != null) hashed.put(r.file().path(), r.content());
        }
    }

    private boolean matches(WorkFile f, StageEntry e) {
        dev.forge.core.model.ContentRef known = hashed.get(f.path());
        if (known != null)
            return f.kind() == e.kind() && f.size() == e.content().size() && Status.sameContent(known, e.content());
        return matches(repo, f, e);
    }

    /** Whether the work-tree file holds exactly {@code e}'s content (stat cache first, else hashing it). */
    static boolean matches(Repository repo, WorkFile f, StageEntry e) {
        if (f.kind() != e.kind() || f.size() != e.content().size()) return false;
        StatEntry cached = repo.meta().stat(f.path()).orElse(null);
        if (WorkTree.unchanged(f, cached)) return Status.sameContent(cached.content(), e.content());
        Ingester.Result r = new Ingester(repo.store().objects(), repo.config(), false, ProgressListener.NONE)
                .run(List.of(f))
                .get(0);
        return r != null && Status.sameContent(r.content(), e.content());
    }

    static void pruneEmptyParents(Path root, Path dir) throws IOException {
        for (Path p = dir; p != null && p.startsWith(root) && !p.equals(root); p = p.getParent()) {
            try (var s = Files.list(p)) {
                if (s.findAny().isPresent()) return;
            }
            Files.delete(p);
        }
    }

    static String preview(List<String> paths) {
        return paths.size() <= 3 ? String.join(", ", paths) : String.join(", ", paths.subList(0, 3)) + ", ...";
    }

    /** The files of HEAD's commit, or none before the first commit. */
    static SortedMap<String, StageEntry> headFiles(Repository repo) {
        return repo.headCommit()
                .map(c -> Trees.flatten(repo.objects, repo.objects.commit(c).tree()))
                .orElseGet(() -> new TreeMap<>(Tree.NAME_ORDER));
    }
}
