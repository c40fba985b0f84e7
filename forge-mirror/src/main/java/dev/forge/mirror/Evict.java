package dev.forge.mirror;

import dev.forge.core.model.ChunkList;
import dev.forge.core.model.Commit;
import dev.forge.core.model.ContentRef;
import dev.forge.core.model.FileKind;
import dev.forge.core.model.Head;
import dev.forge.core.model.ObjectId;
import dev.forge.core.model.ObjectType;
import dev.forge.core.model.RefNames;
import dev.forge.core.model.TreeEntry;
import dev.forge.core.port.MergeState;
import dev.forge.core.port.ObjectStore;
import dev.forge.core.port.ProgressListener;
import dev.forge.core.port.StageEntry;
import dev.forge.core.repo.Gc;
import dev.forge.core.repo.ObjectReader;
import dev.forge.core.repo.Repository;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;

/**
 * {@code forge evict}: the local store as a cache of a remote. Chunks that are safe on the remote
 * are dropped from {@code .forge}, unless something here needs them soon: the checked-out commit,
 * the stage, a merge in progress, and commits younger than {@code keepRecent}. The repository then
 * becomes a lazy clone of that remote ({@code .forge/lazy}): a command that needs an evicted chunk
 * fetches it, verified, as {@code clone --lazy} does.
 *
 * <p>Safe means: listed in the remote's pack indexes, synced now, <em>and</em> reached from one of
 * the remote's branches as this repository last saw them ({@code REMOTE/BRANCH}). The first alone
 * is not enough: a chunk in a pack that no remote branch reaches may be deleted by the remote's gc.
 * Chunk lists, trees and commits stay, so history, log and diff-by-size work offline.
 */
public final class Evict {
    private final Repository repo;
    private final ObjectReader objects;
    private final ObjectStore store;

    public Evict(Repository repo) {
        this.repo = repo;
        this.objects = repo.objects();
        this.store = repo.objectStore();
    }

    /** What an eviction freed ({@code sweep} as gc reports it). */
    public record Result(String remote, long evictableChunks, long keptChunks, boolean dryRun, Gc.Report gc) {}

    /** What may leave: chunks safe on the remote, less those kept here. */
    private record Plan(Set<ObjectId> safe, Set<ObjectId> kept) {
        boolean evictable(ObjectId id) {
            return safe.contains(id) && !kept.contains(id);
        }
    }

    public Result run(Remote remote, Duration keepRecent, boolean dryRun, ProgressListener progress) {
        Plan p = plan(remote, keepRecent);
        Gc.Report gc = new Gc(repo).evicting(p::evictable).run(dryRun, progress);
        if (!dryRun) settle(remote, p);
        long safeNotKept =
                p.safe().stream().filter(id -> !p.kept().contains(id)).count();
        return new Result(remote.name(), safeNotKept, p.kept().size(), dryRun, gc);
    }

    private Plan plan(Remote remote, Duration keepRecent) {
        remote.requireConfig();
        RemoteIndex index = remote.indexCache().sync().index();
        Set<ObjectId> safe = new HashSet<>();
        Set<ObjectId> walkedTrees = new HashSet<>();
        Set<ObjectId> commits = new HashSet<>();
        Deque<ObjectId> todo = new ArrayDeque<>(
                repo.refs(RefNames.REMOTES + remote.name() + "/").values());
        while (!todo.isEmpty()) {
            ObjectId c = todo.pop();
            if (!commits.add(c) || !store.contains(c)) continue;
            Commit commit = objects.commit(c);
            todo.addAll(commit.parents());
            chunksOf(commit.tree(), walkedTrees, id -> {
                if (index.contains(id)) safe.add(id);
            });
        }
        Set<ObjectId> kept = new HashSet<>();
        Set<ObjectId> keptTrees = new HashSet<>();
        // The checked-out files are the local copy of their chunks (read back from the work tree,
        // verified, when a command needs them: WorkTreeSource), so those chunks leave .forge too. Staged
        // contents that differ from the checkout stay: the work tree may not hold them.
        java.util.Map<String, StageEntry> checkedOut = checkedOut();
        for (StageEntry e : repo.stage().entries().values()) {
            StageEntry h = checkedOut.get(e.path());
            if (h == null || !h.content().equals(e.content())) contentChunks(e.content(), kept::add);
        }
        repo.mergeState().ifPresent(m -> keepMerge(m, keptTrees, kept));
        Instant cutoff = Instant.now().minus(keepRecent);
        Set<ObjectId> seen = new HashSet<>();
        Deque<ObjectId> recent = new ArrayDeque<>(repo.refs(RefNames.HEADS).values());
        while (!recent.isEmpty()) {
            ObjectId c = recent.pop();
            if (!seen.add(c) || !store.contains(c)) continue;
            Commit commit = objects.commit(c);
            if (commit.time().toInstant().isBefore(cutoff)) continue;
            chunksOf(commit.tree(), keptTrees, kept::add);
            recent.addAll(commit.parents());
        }
        Set<ObjectId> inWorkTree = new HashSet<>();
        for (StageEntry e : checkedOut.values()) contentChunks(e.content(), inWorkTree::add);
        kept.removeAll(inWorkTree);
        return new Plan(safe, kept);
    }

    /** After packs were rewritten: records what left ({@link dev.forge.core.repo.EvictedSet}), makes the clone lazy. */
    private void settle(Remote remote, Plan p) {
        // What left stays known, so that add does not store those chunks again.
        java.util.List<ObjectId> gone =
                p.safe().stream().filter(id -> !store.contains(id)).toList();
        dev.forge.core.repo.EvictedSet.save(repo.forgeDir(), gone);
        repo.makeLazy(remote.name());
    }

    /**
     * {@code store.maxSize}: when the local packs take more than {@code maxBytes}, evicts what is safe on
     * the remote, from the packs used longest ago first (a pack's file time is when a command last read
     * contents from it, or when it was written), until they take about {@code targetBytes}. Null when
     * the store was within {@code maxBytes}; {@code gc} null when nothing is safe to evict. What is not
     * safe on the remote never goes, so the store may stay above the limit.
     */
    public Result runToSize(Remote remote, long maxBytes, long targetBytes, ProgressListener progress) {
        long before = new dev.forge.core.repo.Stats(repo).usage().packBytes();
        if (before <= maxBytes) return null;
        Plan p = plan(remote, Duration.ZERO);
        java.nio.file.Path packs = repo.forgeDir().resolve("packs");
        java.util.Map<String, Long> packTime = new java.util.HashMap<>();
        record Candidate(ObjectId id, long bytes, long time) {}
        java.util.List<Candidate> candidates = new java.util.ArrayList<>();
        for (ObjectId id : p.safe()) {
            if (p.kept().contains(id)) continue;
            var st = store.stat(id);
            if (st.isEmpty()) continue;
            long t = packTime.computeIfAbsent(st.get().pack(), name -> {
                try {
                    return java.nio.file.Files.getLastModifiedTime(packs.resolve(name))
                            .toMillis();
                } catch (java.io.IOException e) {
                    return 0L;
                }
            });
            candidates.add(new Candidate(id, st.get().storedLength() + RECORD_OVERHEAD, t));
        }
        candidates.sort(java.util.Comparator.comparingLong(Candidate::time));
        Set<ObjectId> chosen = new HashSet<>();
        long toFree = before - targetBytes;
        for (Candidate c : candidates) {
            if (toFree <= 0) break;
            chosen.add(c.id());
            toFree -= c.bytes();
        }
        if (chosen.isEmpty()) return new Result(remote.name(), 0, p.kept().size(), false, null);
        Gc.Report gc = new Gc(repo).evicting(chosen::contains).run(false, progress);
        settle(remote, p);
        return new Result(remote.name(), chosen.size(), p.kept().size(), false, gc);
    }

    /** A pack record's bytes besides its payload (header and checksum), for estimates. */
    private static final long RECORD_OVERHEAD = 48;

    /** The files of the checked-out commit whose stage entry still names them (path to entry). */
    private java.util.Map<String, StageEntry> checkedOut() {
        java.util.Optional<ObjectId> head = repo.head() instanceof Head.OnBranch b
                ? repo.ref(RefNames.branch(b.branch()))
                : repo.head() instanceof Head.Detached d
                        ? java.util.Optional.of(d.commit())
                        : java.util.Optional.empty();
        if (head.isEmpty()) return java.util.Map.of();
        java.util.Map<String, StageEntry> out = new java.util.HashMap<>();
        java.util.Map<String, StageEntry> stage = repo.stage().entries();
        objects.files(objects.commit(head.get()).tree()).forEach((path, e) -> {
            StageEntry s = stage.get(path);
            if (s != null && s.content().equals(e.content()) && s.kind() != dev.forge.core.model.FileKind.SYMLINK)
                out.put(path, e);
        });
        return out;
    }

    private void keepMerge(MergeState m, Set<ObjectId> keptTrees, Set<ObjectId> kept) {
        for (ObjectId c : new ObjectId[] {m.ours(), m.theirs(), m.base()}) {
            if (c != null && store.contains(c)) chunksOf(objects.commit(c).tree(), keptTrees, kept::add);
        }
        for (MergeState.Conflict x : m.conflicts()) {
            for (StageEntry e : new StageEntry[] {x.base(), x.ours(), x.theirs()}) {
                if (e != null) contentChunks(e.content(), kept::add);
            }
        }
    }

    /** Every chunk of every file below {@code root} whose list is here (trees in {@code walked} are skipped). */
    private void chunksOf(ObjectId root, Set<ObjectId> walked, java.util.function.Consumer<ObjectId> out) {
        Deque<ObjectId> trees = new ArrayDeque<>();
        trees.push(root);
        while (!trees.isEmpty()) {
            ObjectId t = trees.pop();
            if (!walked.add(t) || !store.contains(t)) continue;
            for (TreeEntry e : objects.tree(t).entries()) {
                if (e.kind() == FileKind.DIRECTORY) trees.push(e.id());
                else contentChunks(e.content(), out);
            }
        }
    }

    private void contentChunks(ContentRef c, java.util.function.Consumer<ObjectId> out) {
        if (c.type() != ObjectType.LIST) {
            out.accept(c.id());
            return;
        }
        if (!store.contains(c.id())) return; // a lazy clone's list never fetched: its chunks are not here either
        Collection<ChunkList.ChunkRef> chunks = objects.list(c.id()).chunks();
        for (ChunkList.ChunkRef r : chunks) out.accept(r.id());
    }
}
