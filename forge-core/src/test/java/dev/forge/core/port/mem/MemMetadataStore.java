package dev.forge.core.port.mem;

import dev.forge.core.model.Head;
import dev.forge.core.model.ObjectId;
import dev.forge.core.model.RefNames;
import dev.forge.core.port.MergeState;
import dev.forge.core.port.MetadataStore;
import dev.forge.core.port.Operation;
import dev.forge.core.port.StageEntry;
import dev.forge.core.port.StatEntry;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The {@link MetadataStore} of a {@link MemDisk}: refs, HEAD, stage, stat cache, remotes, merge state and
 * op log in sorted maps under one lock. An {@link Update} records its changes and applies them in order
 * under that lock when committed, so a reader sees all of an update or none of it; arguments are
 * checked when each change is added, so a commit cannot stop half-way. Paths and ref names sort in
 * unsigned UTF-8 byte order, as the keys of the RocksDB store do. The stage digest is a hash of every
 * entry's path and value, so it changes exactly when an entry is added, removed or changed.
 */
final class MemMetadataStore implements MetadataStore {
    /** Unsigned UTF-8 byte order: RocksDB's key order for paths and names. */
    static final Comparator<String> UTF8_ORDER =
            (a, b) -> Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));

    private final TreeMap<String, ObjectId> refs = new TreeMap<>(UTF8_ORDER);
    private Head head = new Head.OnBranch(RefNames.DEFAULT_BRANCH);
    private final TreeMap<String, StageEntry> stage = new TreeMap<>(UTF8_ORDER);
    private StageTree stageTree;
    private byte[] stageCache;
    private final TreeMap<String, StatEntry> stat = new TreeMap<>(UTF8_ORDER);
    private final TreeMap<String, String> remotes = new TreeMap<>(UTF8_ORDER);
    private MergeState mergeState;
    private final List<Operation> operations = new ArrayList<>();

    @Override
    public synchronized Optional<ObjectId> ref(String name) {
        return Optional.ofNullable(refs.get(name));
    }

    @Override
    public synchronized SortedMap<String, ObjectId> refs(String prefix) {
        SortedMap<String, ObjectId> out = new TreeMap<>();
        for (Map.Entry<String, ObjectId> e : refs.tailMap(prefix).entrySet()) {
            if (!e.getKey().startsWith(prefix)) break;
            out.put(e.getKey(), e.getValue());
        }
        return out;
    }

    @Override
    public synchronized Head head() {
        return head;
    }

    @Override
    public synchronized Optional<StageEntry> stageEntry(String path) {
        return Optional.ofNullable(stage.get(path));
    }

    @Override
    public long forEachStage(Consumer<StageEntry> action) {
        List<StageEntry> entries;
        synchronized (this) {
            entries = new ArrayList<>(stage.values());
        }
        MessageDigest digest = sha256();
        for (StageEntry e : entries) {
            byte[] path = e.path().getBytes(StandardCharsets.UTF_8);
            digest.update(ByteBuffer.allocate(4 + path.length + 2 + 8 + ObjectId.LENGTH)
                    .putInt(path.length)
                    .put(path)
                    .put((byte) e.kind().code())
                    .put((byte) e.content().type().code())
                    .putLong(e.content().size())
                    .put(e.content().id().toBytes())
                    .flip());
            action.accept(e);
        }
        return ByteBuffer.wrap(digest.digest()).getLong();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every JDK has SHA-256", e);
        }
    }

    @Override
    public synchronized Optional<StageTree> stageTree() {
        return Optional.ofNullable(stageTree);
    }

    @Override
    public synchronized byte[] stageCache() {
        return stageCache == null ? null : stageCache.clone();
    }

    @Override
    public synchronized Optional<StatEntry> stat(String path) {
        return Optional.ofNullable(stat.get(path));
    }

    @Override
    public void forEachStat(BiConsumer<String, StatEntry> action) {
        List<Map.Entry<String, StatEntry>> entries;
        synchronized (this) {
            entries = new ArrayList<>(stat.entrySet());
        }
        for (Map.Entry<String, StatEntry> e : entries) action.accept(e.getKey(), e.getValue());
    }

    @Override
    public synchronized SortedMap<String, String> remotes() {
        return new TreeMap<>(remotes);
    }

    @Override
    public synchronized Optional<MergeState> mergeState() {
        return Optional.ofNullable(mergeState);
    }

    @Override
    public synchronized long lastOperationSeq() {
        return operations.size();
    }

    @Override
    public synchronized List<Operation> operations(int limit) {
        List<Operation> out = new ArrayList<>();
        for (int i = operations.size() - 1; i >= 0 && out.size() < limit; i--) out.add(operations.get(i));
        return out;
    }

    @Override
    public Update newUpdate() {
        return new MemUpdate();
    }

    /** Changes as steps on the store's state, run in the order they were added. */
    private final class MemUpdate implements Update {
        private final List<Runnable> steps = new ArrayList<>();
        private boolean committed;

        private Update add(Runnable step) {
            if (committed) throw new IllegalStateException("this update was committed already");
            steps.add(step);
            return this;
        }

        @Override
        public Update putStage(StageEntry entry) {
            Objects.requireNonNull(entry.content(), "content");
            return add(() -> stage.put(entry.path(), entry));
        }

        @Override
        public Update deleteStage(String path) {
            Objects.requireNonNull(path, "path");
            return add(() -> stage.remove(path));
        }

        @Override
        public Update clearStage() {
            return add(stage::clear);
        }

        @Override
        public Update setStageTree(ObjectId tree, long stageDigest) {
            StageTree t = new StageTree(Objects.requireNonNull(tree, "tree"), stageDigest);
            return add(() -> stageTree = t);
        }

        @Override
        public Update recordStageTree(ObjectId tree) {
            Objects.requireNonNull(tree, "tree");
            return add(() -> stageTree = new StageTree(tree, forEachStage(e -> {})));
        }

        @Override
        public Update setStageCache(byte[] section) {
            byte[] copy = section.clone();
            return add(() -> stageCache = copy);
        }

        @Override
        public Update putStat(String path, StatEntry entry) {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(entry.content(), "content");
            return add(() -> stat.put(path, entry));
        }

        @Override
        public Update deleteStat(String path) {
            Objects.requireNonNull(path, "path");
            return add(() -> stat.remove(path));
        }

        @Override
        public Update setRef(String name, ObjectId id) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(id, "id");
            return add(() -> refs.put(name, id));
        }

        @Override
        public Update deleteRef(String name) {
            Objects.requireNonNull(name, "name");
            return add(() -> refs.remove(name));
        }

        @Override
        public Update setHead(Head h) {
            Objects.requireNonNull(h, "head");
            return add(() -> head = h);
        }

        @Override
        public Update setMergeState(MergeState state) {
            Objects.requireNonNull(state, "state");
            return add(() -> mergeState = state);
        }

        @Override
        public Update clearMergeState() {
            return add(() -> mergeState = null);
        }

        @Override
        public Update setRemote(String name, String url) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(url, "url");
            return add(() -> remotes.put(name, url));
        }

        @Override
        public Update deleteRemote(String name) {
            Objects.requireNonNull(name, "name");
            return add(() -> remotes.remove(name));
        }

        @Override
        public Update record(Operation op) {
            Objects.requireNonNull(op, "op");
            return add(() -> operations.add(op));
        }

        @Override
        public void commit() {
            if (committed) throw new IllegalStateException("this update was committed already");
            committed = true;
            synchronized (MemMetadataStore.this) {
                for (Runnable step : steps) step.run();
            }
        }
    }
}
