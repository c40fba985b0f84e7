package dev.forge.core.port;

import dev.forge.core.model.Head;
import dev.forge.core.model.ObjectId;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.function.Consumer;

/**
 * Refs, HEAD, the stage, the work-tree stat cache and the operation log. Reads see the last committed
 * {@link Update}; an update is applied atomically and durably (all or nothing, fsynced) when committed.
 */
public interface MetadataStore {
    Optional<ObjectId> ref(String name);

    /** Refs whose names start with {@code prefix}, by name. */
    SortedMap<String, ObjectId> refs(String prefix);

    Head head();

    Optional<StageEntry> stageEntry(String path);

    /**
     * Every stage entry in path order (unsigned UTF-8 byte order).
     *
     * @return a digest of the stage as stored (every entry's key and value bytes): two reads return the
     *     same digest exactly when no entry was added, removed or changed in between
     */
    long forEachStage(Consumer<StageEntry> action);

    /**
     * The tree the stage was last recorded to equal (by a commit), with the stage digest it had then
     * (see {@link #forEachStage}); valid only while the stage still has that digest.
     */
    Optional<StageTree> stageTree();

    /**
     * The tree of {@code commit} when this store has it at hand without reading the commit (a status
     * snapshot holds HEAD's); empty otherwise. Commits never change, so any answer is final.
     */
    default Optional<ObjectId> knownTree(ObjectId commit) {
        return Optional.empty();
    }

    /** A tree id and the digest of the stage that equalled it. */
    record StageTree(ObjectId tree, long stageDigest) {}

    /**
     * The stage's tree cache as last stored with it ({@code Update#setStageCache}), or null when there is
     * none. Opaque to the store; its reader checks every record against the stage before using it.
     */
    byte[] stageCache();

    Optional<StatEntry> stat(String path);

    /** Every stat-cache entry, in path order. */
    void forEachStat(java.util.function.BiConsumer<String, StatEntry> action);

    /**
     * The stage and stat cache as one read-only view (see {@link StageView}); by default decoded
     * through {@link #forEachStage} and {@link #forEachStat}.
     */
    default StageView stageView() {
        java.util.List<StageEntry> entries = new java.util.ArrayList<>();
        long digest = forEachStage(entries::add);
        java.util.Map<String, StatEntry> stats = new java.util.HashMap<>(entries.size() * 2);
        forEachStat(stats::put);
        return StageView.of(entries, stats, digest);
    }

    /** Configured remotes: name to URL, by name. Credentials are never stored here. */
    SortedMap<String, String> remotes();

    /** The merge in progress, if one stopped on conflicts. */
    Optional<MergeState> mergeState();

    /** The newest {@code limit} operations, newest first. */
    List<Operation> operations(int limit);

    /**
     * The sequence number of the newest operation (0 when none): it grows with every operation recorded,
     * so a change of it says that some operation was recorded since it was read.
     */
    long lastOperationSeq();

    Update newUpdate();

    /** A batch of changes applied atomically by {@link #commit}. */
    interface Update {
        Update putStage(StageEntry entry);

        Update deleteStage(String path);

        Update clearStage();

        /** Records that the stage with digest {@code stageDigest} equals {@code tree} (see {@link #stageTree}). */
        Update setStageTree(ObjectId tree, long stageDigest);

        /**
         * Records that the stage as this update leaves it equals {@code tree}: {@link #setStageTree} with
         * the digest of that stage, which the store works out as it writes it. A hint like that one: a
         * store that cannot work the digest out drops it (the default).
         */
        default Update recordStageTree(ObjectId tree) {
            return this;
        }

        /**
         * Stores {@code section} as the stage's tree cache, written with the stage (a store that keeps the
         * stage elsewhere may drop it). An update that does not set it keeps the one stored before.
         */
        Update setStageCache(byte[] section);

        Update putStat(String path, StatEntry entry);

        Update deleteStat(String path);

        Update setRef(String name, ObjectId id);

        Update deleteRef(String name);

        Update setHead(Head head);

        Update setMergeState(MergeState state);

        Update clearMergeState();

        Update setRemote(String name, String url);

        Update deleteRemote(String name);

        Update record(Operation op);

        /** Applies everything atomically and durably. */
        void commit();
    }
}
