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
 */
public final class Add {
    private final Repository repo;

    public Add(Repository repo) {
        this.repo = repo;
    }

    public record Result(int files, int read, long bytes, long bytesRead, long removed, double seconds) {}

    public Result run(Path cwd, List<String> args, ProgressListener progress) {
        long start = System.nanoTime();
        long wallStart = System.currentTimeMillis() * 1_000_000L;
        WorkTree wt = repo.workTree();
        Map<String, WorkFile> files = new LinkedHashMap<>();
        List<String> removed = new ArrayList<>();
        SparsePaths sparse = repo.sparse();
        Transaction tx = repo.begin("add " + String.join(" ", args));
        Stage stage = tx.stage();
        for (String arg : args) {
            String rel = wt.relativize(cwd, arg);
            List<String> tracked = new ArrayList<>();
            for (String path : stage.entries().keySet()) {
                if (WorkTree.under(path, rel)) tracked.add(path);
            }
            List<WorkFile> found;
            try {
                found = wt.scan(rel);
            } catch (NotFoundException e) {
                if (tracked.isEmpty()) throw new NotFoundException("path not found: " + arg);
                found = List.of();
            }
            for (WorkFile f : found) files.put(f.path(), f);
            for (String t : tracked) {
                if (!files.containsKey(t) && wt.stat(t) == null && sparse.includes(t)) removed.add(t);
            }
        }
        List<WorkFile> toRead = new ArrayList<>();
        Map<String, ContentRef> known = new LinkedHashMap<>();
        long bytes = 0;
        long bytesToRead = 0;
        for (WorkFile f : files.values()) {
            bytes += f.size();
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
        try {
            results = new Ingester(repo.store().objects(), repo.config(), true, progress).run(toRead);
        } finally {
            progress.end();
        }
        int read = 0;
        for (Ingester.Result r : results) {
            if (r == null) continue;
            read++;
            WorkFile f = r.file();
            tx.putStage(new StageEntry(f.path(), f.kind(), r.content()));
            if (r.stable() && WorkTree.cacheable(f, wallStart)) {
                tx.putStat(f.path(), new StatEntry(f.size(), f.mtimeNanos(), f.inode(), r.content()));
            } else {
                tx.deleteStat(f.path());
            }
        }
        for (var e : known.entrySet()) {
            WorkFile f = files.get(e.getKey());
            tx.putStage(new StageEntry(f.path(), f.kind(), e.getValue()));
        }
        for (String path : removed) {
            tx.deleteStage(path);
            tx.deleteStat(path);
        }
        repo.mergeState().ifPresent(m -> {
            dev.forge.core.port.MergeState next = m;
            for (String path : files.keySet()) next = next.without(path);
            for (String path : removed) next = next.without(path);
            if (next.conflicts().size() != m.conflicts().size()) tx.setMergeState(next);
        });
        tx.commit();
        return new Result(
                known.size() + read, read, bytes, bytesToRead, removed.size(), (System.nanoTime() - start) / 1e9);
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
