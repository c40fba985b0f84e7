package dev.forge.mirror;

import dev.forge.core.error.ForgeException;
import dev.forge.core.error.InvalidInputException;
import dev.forge.core.error.NotFoundException;
import dev.forge.core.model.Commit;
import dev.forge.core.model.Head;
import dev.forge.core.model.ObjectId;
import dev.forge.core.port.ProgressListener;
import dev.forge.core.port.StageEntry;
import dev.forge.core.repo.Gc;
import dev.forge.core.repo.Repository;
import dev.forge.core.retain.PurgeRecord;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code forge obliterate PATH... [--rev REV]}: removes file contents for good, from the local store and
 * from remotes, while commits and trees stay (docs/cli.md). The contents are every version the paths
 * (files, or folders: every file below) have in the history of every branch, tag and remote-tracking
 * branch here, or only the version at {@code REV}. The same bytes at another path go too: they are the
 * same content. Recorded as obliterated in the purge record (locally, and on each remote before its
 * packs change), so every clone sees the versions as purged, not damaged.
 */
public final class Obliterate {
    private final Repository repo;

    public Obliterate(Repository repo) {
        this.repo = repo;
    }

    /** The contents to obliterate, each with its purge-record entry. Refuses (exit 4) a path not in history. */
    public Map<ObjectId, PurgeRecord.Entry> contents(List<String> paths, String rev) {
        Map<ObjectId, PurgeRecord.Entry> out = new LinkedHashMap<>();
        long now = System.currentTimeMillis();
        List<ObjectId> commits = new ArrayList<>();
        if (rev != null) {
            commits.add(repo.resolve(rev));
        } else {
            Set<ObjectId> seen = new HashSet<>();
            Deque<ObjectId> todo = new ArrayDeque<>(repo.refs("refs/").values());
            if (repo.head() instanceof Head.Detached d) todo.add(d.commit());
            while (!todo.isEmpty()) {
                ObjectId c = todo.pop();
                if (!seen.add(c)) continue;
                commits.add(c);
                todo.addAll(repo.objects().commit(c).parents());
            }
        }
        Map<String, Boolean> found = new TreeMap<>();
        for (String p : paths) found.put(p, false);
        Set<ObjectId> trees = new HashSet<>();
        for (ObjectId c : commits) {
            Commit commit = repo.objects().commit(c);
            if (!trees.add(commit.tree())) continue;
            for (StageEntry e : repo.objects().files(commit.tree()).values()) {
                for (String p : paths) {
                    if (e.path().equals(p) || e.path().startsWith(p + "/")) {
                        found.put(p, true);
                        out.putIfAbsent(
                                e.content().id(),
                                new PurgeRecord.Entry(e.content().id(), now, PurgeRecord.Why.OBLITERATED, e.path()));
                    }
                }
            }
        }
        for (Map.Entry<String, Boolean> f : found.entrySet()) {
            if (!f.getValue()) {
                throw new NotFoundException("'" + f.getKey() + "' is not in "
                        + (rev == null ? "the history of any branch or tag here" : rev)
                        + "; nothing was obliterated");
            }
        }
        // What is checked out or staged is the user's working state: it must be committed away first.
        for (StageEntry e : repo.stage().entries().values()) {
            if (out.containsKey(e.content().id())) {
                throw new InvalidInputException("'" + e.path() + "' is in the stage (checked out) with a version"
                        + " to obliterate: remove it and commit first (forge rm, forge commit), then obliterate");
            }
        }
        return out;
    }

    /** What one run did: the local gc and each remote's. */
    public record Result(
            int contents, Gc.Report local, Map<String, RemoteGc.Result> remotes, Map<String, String> failed) {}

    /**
     * Removes {@code contents} from the local store and from each of {@code remotes} (opened by the
     * caller through {@code open}); a remote that fails is reported in {@link Result#failed} and the others
     * go on.
     */
    public Result run(
            Map<ObjectId, PurgeRecord.Entry> contents,
            List<String> remotes,
            java.util.function.Function<String, Remote> open,
            ProgressListener progress) {
        // Remotes first: their gc reads the chunk lists to find the chunks that go, from here when it can.
        Map<String, RemoteGc.Result> done = new TreeMap<>();
        Map<String, String> failed = new TreeMap<>();
        for (String name : remotes) {
            try (Remote r = open.apply(name)) {
                done.put(name, new RemoteGc(repo, r).obliterating(contents).run(GRACE, false, progress));
            } catch (ForgeException e) {
                failed.put(name, e.getMessage());
            }
        }
        Gc.Report local = new Gc(repo).obliterating(contents).run(false, progress);
        return new Result(contents.size(), local, done, failed);
    }

    /**
     * The grace of the gc run that obliterates: the packs holding the content go at once regardless;
     * other dead packs wait as long as a default remote gc would have them wait.
     */
    static final Duration GRACE = Duration.ofDays(1);
}
