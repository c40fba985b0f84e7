package dev.forge.core.repo;

import dev.forge.core.model.Head;
import dev.forge.core.model.ObjectId;
import dev.forge.core.port.MergeState;
import dev.forge.core.port.MetadataStore;
import dev.forge.core.port.Operation;
import dev.forge.core.port.StageEntry;
import dev.forge.core.port.StatEntry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * One change of a repository's state, applied all at once and recorded in the operation log: every
 * write to refs (branches, tags, remote-tracking refs), HEAD, the stage, the merge state and the
 * configured remotes goes through one of these, in every module. Modelled on jj's {@code
 * start_transaction()} ... {@code tx.finish()}:
 *
 * <pre>{@code
 * Transaction tx = repo.begin("fetch origin");
 * tx.setRef("refs/remotes/origin/main", tip);
 * tx.commit();
 * }</pre>
 *
 * <p>Changes are buffered until {@link #commit}, which writes them and the op-log entry in one atomic,
 * durable batch; a transaction that is dropped (an exception before commit) changes nothing. The
 * entry is derived, not assembled by callers: each ref's and remote's value before is read when it
 * is first touched, HEAD before when the transaction begins, and the stage before and after are
 * snapshotted as tree objects when the stage was touched, so that {@code forge undo} can put all of it
 * back. Objects the changes name must be durable before commit (write-then-fsync-then-publish).
 *
 * <p>The work-tree stat cache is a cache, not state: its writes ride along in the batch but are not
 * logged. A transaction that changes nothing logged writes no op-log entry. Not thread-safe.
 */
public final class Transaction {
    private final Repository repo;
    private final MetadataStore meta;
    private String command;
    private final Head headBefore;
    private Head headAfter;
    private final List<Consumer<MetadataStore.Update>> writes = new ArrayList<>();
    /** ref name to {before, after}; null is "absent". */
    private final Map<String, ObjectId[]> refs = new LinkedHashMap<>();
    /** remote name to {URL before, URL after}; null is "absent". */
    private final Map<String, String[]> remotes = new LinkedHashMap<>();

    private Stage stageBefore;
    /**
     * Whether the stage was touched; the stage after is then the base (the stage before, or the entries
     * of {@link #replaceStage}) with {@link #stageChanges} applied in order.
     */
    private boolean stageTouched;
    /** The stage entries the changes apply to, in path order; null: the stage before. */
    private List<StageEntry> stageBase;
    /**
     * Puts (a {@link StageEntry}) and deletes (a path) of stage entries, in the order they were made:
     * applied to the base once, at commit, in one merge of two path-ordered lists, instead of a sorted-map
     * insertion per change (100,000 for an {@code add} of a tree; see {@link #stageAfter}).
     */
    private List<Object> stageChanges = new ArrayList<>();
    /** A tree id known to equal the stage after (saves snapshotting it again), or null. */
    private ObjectId stageAfterTree;

    private boolean movedWorkTree;
    /** A work-tree change that this transaction makes final (its journal is deleted after commit). */
    private WorkTreeUpdate workTreeUpdate;

    private boolean done;

    Transaction(Repository repo, String command) {
        this.repo = repo;
        this.meta = repo.meta();
        this.command = Objects.requireNonNull(command, "command");
        this.headBefore = meta.head();
        this.headAfter = headBefore;
    }

    /** Replaces the description the op log shows (when the outcome decides it, e.g. a merge that stopped). */
    public Transaction describe(String command) {
        this.command = Objects.requireNonNull(command, "command");
        return this;
    }

    /** What the op log will show for this transaction. */
    public String description() {
        return command;
    }

    /** HEAD as it was when the transaction began. */
    public Head headBefore() {
        return headBefore;
    }

    /** HEAD as it will be when this transaction commits. */
    public Head head() {
        return headAfter;
    }

    public Transaction setRef(String name, ObjectId id) {
        Objects.requireNonNull(id, "id");
        touchRef(name)[1] = id;
        writes.add(u -> u.setRef(name, id));
        return this;
    }

    public Transaction deleteRef(String name) {
        touchRef(name)[1] = null;
        writes.add(u -> u.deleteRef(name));
        return this;
    }

    private ObjectId[] touchRef(String name) {
        checkOpen();
        return refs.computeIfAbsent(name, n -> {
            ObjectId before = meta.ref(n).orElse(null);
            return new ObjectId[] {before, before};
        });
    }

    public Transaction setHead(Head head) {
        checkOpen();
        headAfter = Objects.requireNonNull(head, "head");
        writes.add(u -> u.setHead(head));
        return this;
    }

    public Transaction setRemote(String name, String url) {
        Objects.requireNonNull(url, "url");
        touchRemote(name)[1] = url;
        writes.add(u -> u.setRemote(name, url));
        return this;
    }

    public Transaction deleteRemote(String name) {
        touchRemote(name)[1] = null;
        writes.add(u -> u.deleteRemote(name));
        return this;
    }

    private String[] touchRemote(String name) {
        checkOpen();
        return remotes.computeIfAbsent(name, n -> {
            String before = meta.remotes().get(n);
            return new String[] {before, before};
        });
    }

    /** The stage as it was when this transaction first needed it (read once). */
    Stage stage() {
        if (stageBefore == null) stageBefore = repo.stage();
        return stageBefore;
    }

    private void touchStage() {
        checkOpen();
        stageTouched = true;
        stageAfterTree = null;
    }

    Transaction putStage(StageEntry e) {
        touchStage();
        stageChanges.add(e);
        writes.add(u -> u.putStage(e));
        return this;
    }

    /**
     * Puts every entry of {@code entries} (distinct paths, best in path order) into the stage: as {@link
     * #putStage} for each, with one buffered write for all of them.
     */
    Transaction putStages(List<StageEntry> entries) {
        touchStage();
        List<StageEntry> copy = List.copyOf(entries);
        stageChanges.addAll(copy);
        writes.add(u -> {
            for (StageEntry e : copy) u.putStage(e);
        });
        return this;
    }

    Transaction deleteStage(String path) {
        touchStage();
        stageChanges.add(Objects.requireNonNull(path, "path"));
        writes.add(u -> u.deleteStage(path));
        return this;
    }

    /**
     * Replaces the whole stage with {@code entries}, which equal the tree {@code tree} when it is not
     * null (checkout, merge: the op log then names that tree instead of snapshotting the stage again).
     */
    Transaction replaceStage(java.util.Collection<StageEntry> entries, ObjectId tree) {
        touchStage();
        List<StageEntry> copy = List.copyOf(entries);
        stageBase = Trees.inPathOrder(copy);
        stageChanges = new ArrayList<>();
        stageAfterTree = tree;
        writes.add(u -> {
            u.clearStage();
            for (StageEntry e : copy) u.putStage(e);
        });
        return this;
    }

    /**
     * The stage after the buffered changes, in path order: the changes sorted by path (stably, so the
     * last change of a path wins) and merged with the base in one pass.
     */
    private List<StageEntry> stageAfter() {
        List<StageEntry> base = stageBase != null
                ? stageBase
                : new ArrayList<>(stage().entries().values());
        if (stageChanges.isEmpty()) return base;
        List<Object> changes = new ArrayList<>(stageChanges);
        java.util.Comparator<Object> byPath =
                (a, b) -> dev.forge.core.model.Tree.NAME_ORDER.compare(changedPath(a), changedPath(b));
        changes.sort(byPath); // stable: the changes of one path stay in the order they were made
        List<StageEntry> out = new ArrayList<>(base.size() + changes.size());
        int i = 0;
        for (int c = 0; c < changes.size(); c++) {
            Object change = changes.get(c);
            String path = changedPath(change);
            if (c + 1 < changes.size() && changedPath(changes.get(c + 1)).equals(path)) continue; // not the last
            while (i < base.size()
                    && dev.forge.core.model.Tree.NAME_ORDER.compare(base.get(i).path(), path) < 0) {
                out.add(base.get(i++));
            }
            if (i < base.size() && base.get(i).path().equals(path)) i++;
            if (change instanceof StageEntry e) out.add(e);
        }
        while (i < base.size()) out.add(base.get(i++));
        return out;
    }

    private static String changedPath(Object change) {
        return change instanceof StageEntry e ? e.path() : (String) change;
    }

    /** Records that the stage, as it is after this transaction with digest {@code digest}, equals {@code tree}. */
    Transaction setStageTree(ObjectId tree, long digest) {
        checkOpen();
        writes.add(u -> u.setStageTree(tree, digest));
        return this;
    }

    Transaction putStat(String path, StatEntry e) {
        checkOpen();
        writes.add(u -> u.putStat(path, e));
        return this;
    }

    Transaction deleteStat(String path) {
        checkOpen();
        writes.add(u -> u.deleteStat(path));
        return this;
    }

    /** A stat-cache entry to put, or to delete when {@code entry} is null. */
    record StatChange(String path, StatEntry entry) {
        StatChange {
            Objects.requireNonNull(path, "path");
        }
    }

    /** Applies {@code changes} to the stat cache in order: as {@link #putStat} or {@link #deleteStat} each. */
    Transaction changeStats(List<StatChange> changes) {
        checkOpen();
        List<StatChange> copy = List.copyOf(changes);
        writes.add(u -> {
            for (StatChange c : copy) {
                if (c.entry() != null) u.putStat(c.path(), c.entry());
                else u.deleteStat(c.path());
            }
        });
        return this;
    }

    Transaction setMergeState(MergeState state) {
        checkOpen();
        writes.add(u -> u.setMergeState(state));
        return this;
    }

    Transaction clearMergeState() {
        checkOpen();
        writes.add(MetadataStore.Update::clearMergeState);
        return this;
    }

    /** Says that this operation rewrote the work tree to match the stage after it, so that undo moves it back. */
    Transaction movedWorkTree() {
        checkOpen();
        movedWorkTree = true;
        return this;
    }

    /**
     * Makes {@code update} (already applied to the work tree) final when this commits, and undoes it if
     * the commit fails. Such a transaction always writes an op-log entry: that entry is how a command
     * opened after a kill knows the change was committed ({@link WorkTreeJournal}).
     */
    void attach(WorkTreeUpdate update) {
        checkOpen();
        if (workTreeUpdate != null) throw new IllegalStateException("one work-tree change per transaction");
        workTreeUpdate = update;
    }

    /**
     * Applies every change and the op-log entry atomically and durably. Returns the entry written, or
     * null when nothing logged changed (then only cache writes, if any, are applied).
     */
    public Operation commit() {
        checkOpen();
        done = true;
        List<Operation.RefChange> refChanges = new ArrayList<>();
        for (Map.Entry<String, ObjectId[]> e : refs.entrySet()) {
            ObjectId[] v = e.getValue();
            if (!Objects.equals(v[0], v[1])) refChanges.add(new Operation.RefChange(e.getKey(), v[0], v[1]));
        }
        List<Operation.RemoteChange> remoteChanges = new ArrayList<>();
        for (Map.Entry<String, String[]> e : remotes.entrySet()) {
            String[] v = e.getValue();
            if (!Objects.equals(v[0], v[1])) remoteChanges.add(new Operation.RemoteChange(e.getKey(), v[0], v[1]));
        }
        ObjectId before = null;
        ObjectId after = null;
        TreeCache cacheAfter = null;
        if (stageTouched) {
            // The stage before is the tree its last change recorded, or a snapshot; the stage after is a
            // known tree (checkout, merge), or that tree with the few folders the changes touch written
            // again (where a cache is stored: else a snapshot makes one, for a stage an older forge
            // wrote), or a snapshot. Snapshots take unchanged folders' trees from the stage's tree cache,
            // and the cache for the stage after is stored with it. Where no snapshot was taken the old
            // cache stays, whose records still match wherever the folders did not change (each is
            // checked when used).
            Trees.Snapshot b = stage().snapshotWithCache(repo);
            before = b.root();
            if (stageAfterTree != null) {
                after = stageAfterTree;
            } else if (b.cache() == null && stageBase == null && stage().hasStoredCache() && few(stageChanges.size())) {
                after = changedTree(before);
            }
            if (after == null) {
                Trees.Snapshot a = repo.snapshot(stageAfter(), b.cache() != null ? b.cache() : stage().treeCache());
                after = a.root();
                cacheAfter = a.cache();
            }
        }
        boolean logged = stageTouched
                || movedWorkTree
                || workTreeUpdate != null
                || !refChanges.isEmpty()
                || !remoteChanges.isEmpty()
                || !headBefore.equals(headAfter);
        if (writes.isEmpty() && !logged) return null;
        MetadataStore.Update u = meta.newUpdate();
        for (Consumer<MetadataStore.Update> w : writes) w.accept(u);
        if (cacheAfter != null) u.setStageCache(cacheAfter.encode());
        // The stage after equals the tree just recorded for the op log: a commit of it takes that tree
        // instead of reading the stage and building the trees again (see CommitOp).
        if (after != null) u.recordStageTree(after);
        Operation op = null;
        if (logged) {
            op = new Operation(
                    Instant.now(),
                    command,
                    headBefore.encode(),
                    headAfter.encode(),
                    refChanges,
                    before,
                    after,
                    movedWorkTree,
                    remoteChanges);
            u.record(op);
        }
        try {
            u.commit();
        } catch (RuntimeException | Error e) {
            if (workTreeUpdate != null) workTreeUpdate.abandon(e);
            throw e;
        }
        if (workTreeUpdate != null) workTreeUpdate.finish();
        return op;
    }

    /**
     * Whether {@code n} changes are few enough for {@link #changedTree}: it reads and encodes the folders
     * they touch, where a snapshot of the whole stage passes over every entry.
     */
    private boolean few(int n) {
        return n <= Math.max(1024, stage().entries().size() / 8);
    }

    /**
     * The tree of the stage after, from {@code before} (the recorded tree of the stage before) and the
     * changes alone; null when they do not apply to its trees or those cannot be read (the caller then
     * snapshots the whole stage after, which reports what is wrong).
     */
    private ObjectId changedTree(ObjectId before) {
        java.util.SortedMap<String, StageEntry> changes = new java.util.TreeMap<>(dev.forge.core.model.Tree.NAME_ORDER);
        for (Object c : stageChanges) changes.put(changedPath(c), c instanceof StageEntry e ? e : null);
        try {
            return repo.snapshotChanged(before, changes);
        } catch (dev.forge.core.error.ForgeException unreadable) {
            return null;
        }
    }

    private void checkOpen() {
        if (done) throw new IllegalStateException("transaction '" + command + "' is already committed");
    }
}
