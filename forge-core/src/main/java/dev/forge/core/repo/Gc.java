package dev.forge.core.repo;

import dev.forge.core.model.ChunkList;
import dev.forge.core.model.Commit;
import dev.forge.core.model.FileKind;
import dev.forge.core.model.Head;
import dev.forge.core.model.ObjectId;
import dev.forge.core.model.ObjectType;
import dev.forge.core.model.TreeEntry;
import dev.forge.core.port.LiveSet;
import dev.forge.core.port.LocalStore;
import dev.forge.core.port.MergeState;
import dev.forge.core.port.Operation;
import dev.forge.core.port.ProgressListener;
import dev.forge.core.port.StageEntry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * {@code forge gc}: marks everything reachable from refs, HEAD, the stage, a merge in progress and
 * the operation-log entries younger than the grace period, then has the store sweep the rest. The
 * mark structure is a {@link LiveSet} (16 bytes per id), so memory grows with the number of live
 * objects at a fraction of a HashSet's cost. Other processes cannot write meanwhile: the repository
 * lock is held for the whole run, so an operation in progress elsewhere either finished before gc
 * started (and is marked) or waits for it. Last, the store merges small packs and compacts its index.
 */
public final class Gc {
    /** Packs whose live share falls below this are rewritten. */
    public static final double DEFAULT_MIN_LIVE_SHARE = 0.5;

    private final Repository repo;
    private final boolean partial;
    private java.util.function.Predicate<ObjectId> evict = id -> false;
    private double minLiveShare = DEFAULT_MIN_LIVE_SHARE;
    private java.util.Map<ObjectId, dev.forge.core.retain.PurgeRecord.Entry> obliterate = java.util.Map.of();
    /** Contents not marked through trees: purgeable by the policy, obliterated, or purged before and absent. */
    private final java.util.Set<ObjectId> skip = new java.util.HashSet<>();

    public Gc(Repository repo) {
        this.repo = repo;
        this.partial = repo.partial();
    }

    /**
     * Also drops the chunks {@code evictable} accepts though something reaches them ({@code forge
     * evict}: chunks that are safe on a remote); lists, trees and commits stay. Every pack holding such a
     * chunk is rewritten without it. The caller decides what is safe; this only obeys.
     */
    public Gc evicting(java.util.function.Predicate<ObjectId> evictable) {
        this.evict = evictable;
        this.minLiveShare = 1.0;
        return this;
    }

    /**
     * Also drops {@code contents} (file contents: a list with the chunks no other content needs, or a
     * one-chunk file) wherever they are reached, and records them as obliterated ({@code forge
     * obliterate}). Every pack holding one of them is rewritten without it.
     */
    public Gc obliterating(java.util.Map<ObjectId, dev.forge.core.retain.PurgeRecord.Entry> contents) {
        this.obliterate = contents;
        this.minLiveShare = 1.0;
        return this;
    }

    /**
     * {@code compaction} is null for a dry run. {@code purged}: file contents this run dropped (or, dry,
     * would drop) under the retention policy or an obliteration.
     */
    public record Report(
            long liveObjects,
            LocalStore.SweepReport sweep,
            boolean dryRun,
            LocalStore.CompactReport compaction,
            long purged) {
        public Report(
                long liveObjects, LocalStore.SweepReport sweep, boolean dryRun, LocalStore.CompactReport compaction) {
            this(liveObjects, sweep, dryRun, compaction, 0);
        }
    }

    public Report run(boolean dryRun, ProgressListener progress) {
        LiveSet live = new LiveSet(1 << 16);
        Deque<ObjectId> commits = new ArrayDeque<>();
        Deque<ObjectId> trees = new ArrayDeque<>();
        repo.meta().refs("refs/").values().forEach(commits::add);
        if (repo.head() instanceof Head.Detached d) commits.add(d.commit());
        Stage stage = repo.stage();
        for (StageEntry e : stage.entries().values()) markContent(e, live);
        // The trees the stage's tree cache would reuse: a later snapshot or commit names them unread.
        for (ObjectId t :
                Trees.cachedTrees(new java.util.ArrayList<>(stage.entries().values()), stage.treeCache())) {
            if (repo.store().objects().contains(t)) trees.add(t);
        }
        // The tree the stage is recorded to equal: a commit names it unread (see CommitOp).
        repo.meta()
                .stageTree()
                .filter(t -> t.stageDigest() == stage.digest())
                .filter(t -> repo.store().objects().contains(t.tree()))
                .ifPresent(t -> trees.add(t.tree()));
        repo.mergeState().ifPresent(m -> {
            commits.add(m.ours());
            commits.add(m.theirs());
            if (m.base() != null) commits.add(m.base());
            for (MergeState.Conflict c : m.conflicts()) {
                for (StageEntry e : new StageEntry[] {c.base(), c.ours(), c.theirs()}) {
                    if (e != null) markContent(e, live);
                }
            }
        });
        Instant cutoff = Instant.now().minus(Duration.ofDays(repo.config().gcGraceDays()));
        java.util.List<ObjectId> recent = new java.util.ArrayList<>();
        for (Operation op : repo.meta().operations(Integer.MAX_VALUE)) {
            if (op.time().isBefore(cutoff)) break;
            for (ObjectId id : op.roots()) {
                var info = repo.store().objects().stat(id);
                if (info.isEmpty()) continue;
                if (info.get().type() == ObjectType.COMMIT) {
                    commits.add(id);
                    recent.add(id);
                } else if (info.get().type() == ObjectType.TREE) trees.add(id);
            }
        }
        dev.forge.core.retain.PurgeRecord record = dev.forge.core.retain.PurgeRecord.load(repo.forgeDir());
        java.util.Map<ObjectId, dev.forge.core.retain.RetentionPolicy.Rule> purgeable = purgeable(recent);
        skip.addAll(purgeable.keySet());
        skip.addAll(obliterate.keySet());
        for (var e : record.entries()) {
            if (!repo.store().objects().contains(e.content())) skip.add(e.content());
        }
        progress.begin("Marking", -1, "objects");
        try {
            while (!commits.isEmpty()) {
                ObjectId id = commits.pop();
                if (!live.add(id)) continue;
                Commit c = repo.objects.commit(id);
                trees.add(c.tree());
                commits.addAll(c.parents());
                progress.advance(1);
            }
            while (!trees.isEmpty()) markTree(trees.pop(), live, progress);
        } finally {
            progress.end();
        }
        // The record first (what is about to go, and why), then the sweep: a crash in between leaves
        // recorded contents that are still here, which count as present, not purged.
        java.util.List<dev.forge.core.retain.PurgeRecord.Entry> added = new java.util.ArrayList<>();
        long now = System.currentTimeMillis();
        purgeable.forEach((id, rule) -> {
            if (!live.contains(id) && repo.store().objects().contains(id) && !record.contains(id))
                added.add(new dev.forge.core.retain.PurgeRecord.Entry(
                        id, now, dev.forge.core.retain.PurgeRecord.Why.RETENTION, rule.describe()));
        });
        obliterate.forEach((id, e) -> {
            if (!live.contains(id)
                    && !record.get(id).map(x -> x.why() == e.why()).orElse(false)) added.add(e);
        });
        java.util.List<ObjectId> back = new java.util.ArrayList<>();
        for (var e : record.entries()) {
            if (live.contains(e.content()) && repo.store().objects().contains(e.content())) back.add(e.content());
        }
        dev.forge.core.retain.PurgeRecord next = record.without(back).with(added);
        if (!dryRun && !next.equals(record)) next.save(repo.forgeDir());
        LocalStore.SweepReport sweep = repo.store().sweep(live, minLiveShare, dryRun, progress);
        LocalStore.CompactReport compaction = dryRun ? null : repo.store().compact(progress);
        return new Report(live.size(), sweep, dryRun, compaction, added.size());
    }

    /**
     * What the retention policy drops from the local history: branches are the local branches and the
     * remote-tracking ones (what this repository last saw of each remote's branches), tips kept whole are
     * the tags and a detached HEAD.
     */
    private java.util.Map<ObjectId, dev.forge.core.retain.RetentionPolicy.Rule> purgeable(
            java.util.List<ObjectId> recent) {
        var policy = dev.forge.core.retain.RetentionPolicy.load(repo.forgeDir());
        if (policy.isEmpty()) return java.util.Map.of();
        java.util.Map<String, ObjectId> branches = new java.util.TreeMap<>();
        repo.meta()
                .refs(dev.forge.core.model.RefNames.HEADS)
                .forEach((k, v) -> branches.put(k.substring(dev.forge.core.model.RefNames.HEADS.length()), v));
        // A remote-tracking branch counts as the branch of the same name (a rule's --branch names it).
        java.util.List<ObjectId> tips = new java.util.ArrayList<>();
        repo.meta().refs(dev.forge.core.model.RefNames.REMOTES).forEach((k, v) -> {
            String rest = k.substring(dev.forge.core.model.RefNames.REMOTES.length());
            int slash = rest.indexOf('/');
            if (slash > 0 && !branches.containsKey(rest.substring(slash + 1))) {
                branches.put(rest.substring(slash + 1), v);
            } else {
                tips.add(v);
            }
        });
        tips.addAll(repo.meta().refs(dev.forge.core.model.RefNames.TAGS).values());
        if (repo.head() instanceof Head.Detached d) tips.add(d.commit());
        return new dev.forge.core.retain.Retention(repo.objects, policy)
                .purgeable(branches, tips, recent, Instant.now());
    }

    /** Marks a tree and everything below it, without recursion (a hostile tree may be deep). */
    private void markTree(ObjectId root, LiveSet live, ProgressListener progress) {
        Deque<ObjectId> todo = new ArrayDeque<>();
        todo.push(root);
        while (!todo.isEmpty()) {
            ObjectId tree = todo.pop();
            if (!live.add(tree)) continue;
            progress.advance(1);
            for (TreeEntry e : repo.objects.tree(tree).entries()) {
                if (e.kind() == FileKind.DIRECTORY) {
                    todo.push(e.id());
                } else if (!skip.contains(e.id())) {
                    markContent(new StageEntry(e.name(), e.kind(), e.content()), live);
                }
            }
        }
    }

    private void markContent(StageEntry e, LiveSet live) {
        ObjectId id = e.content().id();
        if (e.content().type() != ObjectType.LIST) {
            if (!evict.test(id)) live.add(id);
            return;
        }
        if (!live.add(id)) return;
        // A sparse or lazy clone has no list (nor chunks) for files it never fetched: nothing to keep.
        if (!repo.store().objects().contains(id) && partial) return;
        for (ChunkList.ChunkRef c : repo.objects.list(id).chunks()) {
            if (!evict.test(c.id())) live.add(c.id());
        }
    }
}
