package dev.forge.core.repo;

import dev.forge.core.error.NotFoundException;
import dev.forge.core.model.ContentRef;
import dev.forge.core.port.ProgressListener;
import dev.forge.core.port.StageEntry;
import dev.forge.core.port.StatEntry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code forge add}: brings files (directories recursively, minus {@code .forgeignore}) into the
 * stage, storing new chunks first. Files whose size, mtime and inode match the stat cache are not
 * read again, unless a record of their content is known to be damaged: reading such a file stores
 * its chunks again, which repairs them. Tracked files that disappeared under a named directory leave the stage. Objects are
 * durable before the stage batch that refers to them is written, so a kill at any point leaves either
 * the old stage or the new one.
 *
 * <p>What cannot be read (a folder or file without permission, a path longer than the system allows,
 * a name that is not valid UTF-8) is left out and listed in {@link Result#skipped}: the rest is added,
 * and a tracked file that could not be looked at stays in the stage as it was. A file added where the
 * stage had a file at one of its folders (or files under it) replaces those entries: the work tree
 * shows they are gone, and a tree cannot hold both.
 */
public final class Add {
    private final Repository repo;

    public Add(Repository repo) {
        this.repo = repo;
    }

    /**
     * What one run did; {@code unportable} lists the paths it started to track that will not check out
     * as they are on every desktop (see {@link dev.forge.core.model.PortablePaths#check(java.util.Collection, Iterable)}).
     */
    public record Result(
            int files,
            int read,
            long bytes,
            long bytesRead,
            long removed,
            double seconds,
            List<SkippedPath> skipped,
            List<dev.forge.core.model.PortablePaths.Problem> unportable) {}

    public Result run(Path cwd, List<String> args, ProgressListener progress) {
        long start = System.nanoTime();
        long wallStart = System.currentTimeMillis() * 1_000_000L;
        WorkTree wt = repo.workTree();
        Map<String, WorkFile> files = new LinkedHashMap<>();
        List<String> removed = new ArrayList<>();
        SparsePaths sparse = repo.sparse();
        Transaction tx = repo.begin("add " + String.join(" ", args));
        Stage stage = tx.stage();
        List<SkippedPath> skipped = new ArrayList<>();
        for (String arg : args) {
            String rel = wt.relativize(cwd, arg);
            // The tracked paths under rel: rel itself and the run "rel/" .. "rel0" of the sorted stage
            // ('0' follows '/'), not a test of every path.
            List<String> tracked = new ArrayList<>();
            if (rel.isEmpty()) {
                tracked.addAll(stage.entries().keySet());
            } else {
                if (stage.entries().containsKey(rel)) tracked.add(rel);
                tracked.addAll(stage.entries().subMap(rel + "/", rel + "0").keySet());
            }
            WorkTree.Scan found;
            try {
                found = wt.scan(rel);
            } catch (NotFoundException e) {
                if (tracked.isEmpty()) throw new NotFoundException("path not found: " + arg);
                found = new WorkTree.Scan(List.of(), List.of());
            }
            for (WorkFile f : found.files()) files.put(f.path(), f);
            skipped.addAll(found.skipped());
            for (String t : tracked) {
                if (files.containsKey(t) || !sparse.includes(t) || covered(skipped, t)) continue;
                try {
                    if (wt.stat(t) == null) removed.add(t);
                } catch (WorkTree.UnreadablePathException e) {
                    skipped.add(e.skipped());
                }
            }
        }
        List<WorkFile> toRead = new ArrayList<>();
        Map<String, ContentRef> known = new LinkedHashMap<>();
        long bytesToRead = 0;
        for (WorkFile f : files.values()) {
            StatEntry cached = repo.meta().stat(f.path()).orElse(null);
            if (WorkTree.unchanged(f, cached) && storedIntact(cached.content())) {
                known.put(f.path(), cached.content());
            } else {
                toRead.add(f);
                bytesToRead += f.size();
            }
        }
        progress.begin("Adding", bytesToRead, "B");
        List<Ingester.Result> results;
        EvictedSet evicted = EvictedSet.load(repo.forgeDir());
        Ingester ingester = new Ingester(repo.store().objects(), repo.config(), true, progress)
                .skipUnreadable()
                .skipping(evicted.size() == 0 ? id -> false : evicted::contains);
        try {
            results = ingester.run(toRead);
        } finally {
            progress.end();
        }
        skipped.addAll(ingester.skipped());
        // What is staged: the files read (not those that vanished or could not be read) and the known ones.
        java.util.Set<String> staged = new java.util.HashSet<>(known.keySet());
        int read = 0;
        long bytesRead = 0;
        // One buffered write for all the stage entries and one for all the stat entries, not one each.
        List<StageEntry> toStage = new ArrayList<>(results.size() + known.size());
        List<Transaction.StatChange> statChanges = new ArrayList<>(results.size());
        for (Ingester.Result r : results) {
            if (r == null) continue;
            read++;
            bytesRead += r.file().size();
            staged.add(r.file().path());
            WorkFile f = r.file();
            toStage.add(new StageEntry(f.path(), f.kind(), r.content()));
            statChanges.add(new Transaction.StatChange(
                    f.path(),
                    r.stable() && WorkTree.cacheable(f, wallStart)
                            ? new StatEntry(f.size(), f.mtimeNanos(), f.inode(), r.content())
                            : null));
        }
        long bytes = bytesRead;
        for (var e : known.entrySet()) {
            WorkFile f = files.get(e.getKey());
            bytes += f.size();
            toStage.add(new StageEntry(f.path(), f.kind(), e.getValue()));
        }
        tx.putStages(toStage);
        tx.changeStats(statChanges);
        replaceConflicting(tx, staged, removed);
        for (String path : removed) {
            tx.deleteStage(path);
            tx.deleteStat(path);
        }
        repo.mergeState().ifPresent(m -> {
            dev.forge.core.port.MergeState next = m;
            for (String path : staged) next = next.without(path);
            for (String path : removed) next = next.without(path);
            if (next.conflicts().size() != m.conflicts().size()) tx.setMergeState(next);
        });
        tx.commit();
        // The paths this run starts to track, checked against the rest of the stage (not the whole stage
        // again): a path tracked before brings no new problem, so re-adding a changed file checks nothing.
        java.util.Set<String> gone = new java.util.HashSet<>(removed);
        java.util.Set<String> before = stage.entries().keySet();
        List<String> added = new ArrayList<>();
        for (String p : staged) {
            if (!before.contains(p)) added.add(p);
        }
        List<dev.forge.core.model.PortablePaths.Problem> unportable = added.isEmpty()
                ? List.of()
                : dev.forge.core.model.PortablePaths.check(
                        added,
                        () -> before.stream().filter(p -> !gone.contains(p)).iterator());
        skipped.sort((a, b) -> dev.forge.core.model.Tree.NAME_ORDER.compare(a.path(), b.path()));
        return new Result(
                known.size() + read,
                read,
                bytes,
                bytesRead,
                removed.size(),
                (System.nanoTime() - start) / 1e9,
                List.copyOf(skipped),
                unportable);
    }

    private static boolean covered(List<SkippedPath> skipped, String path) {
        for (SkippedPath s : skipped) {
            if (s.covers(path)) return true;
        }
        return false;
    }

    /**
     * Stage entries that the added files show are gone: a file at a folder of an added path ("a" when
     * "a/b" is added: "a" is a folder now), and files under an added path ("a/b" when "a" is added: "a"
     * is a file now). Leaving them would give a tree that holds a name twice.
     */
    private static void replaceConflicting(Transaction tx, java.util.Set<String> added, List<String> removed) {
        java.util.SortedMap<String, StageEntry> stage = tx.stage().entries();
        // A first add into an empty stage has nothing to replace (100,000 paths walked for nothing).
        if (stage.isEmpty()) return;
        java.util.Set<String> gone = new java.util.TreeSet<>();
        for (String path : added) {
            for (int slash = path.indexOf('/'); slash >= 0; slash = path.indexOf('/', slash + 1)) {
                String parent = path.substring(0, slash);
                if (stage.containsKey(parent)) gone.add(parent);
            }
            gone.addAll(stage.subMap(path + "/", path + "0").keySet());
        }
        for (String path : gone) {
            if (!added.contains(path) && !removed.contains(path)) removed.add(path);
        }
    }

    /** The ids known to be damaged, asked once per run (only when a stat-cache hit has a chunk list). */
    private java.util.Set<dev.forge.core.model.ObjectId> damaged;

    /** Whether a file's stored content is here and none of its records is known to be damaged. */
    private boolean storedIntact(ContentRef c) {
        var store = repo.store().objects();
        if (!store.containsIntact(c.id())) return false;
        if (c.type() != dev.forge.core.model.ObjectType.LIST) return true;
        if (damaged == null) damaged = store.knownDamaged();
        if (damaged.isEmpty()) return true;
        try {
            for (var chunk : repo.objects.list(c.id()).chunks()) {
                if (damaged.contains(chunk.id())) return false;
            }
        } catch (dev.forge.core.error.IntegrityException e) {
            return false;
        }
        return true;
    }
}
