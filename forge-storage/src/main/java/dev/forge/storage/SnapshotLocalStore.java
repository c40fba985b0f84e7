package dev.forge.storage;

import dev.forge.core.model.Head;
import dev.forge.core.model.ObjectId;
import dev.forge.core.model.RefNames;
import dev.forge.core.port.LiveSet;
import dev.forge.core.port.LocalStore;
import dev.forge.core.port.MergeState;
import dev.forge.core.port.MetadataStore;
import dev.forge.core.port.ObjectStore;
import dev.forge.core.port.ObjectWriter;
import dev.forge.core.port.Operation;
import dev.forge.core.port.ProgressListener;
import dev.forge.core.port.RepoConfig;
import dev.forge.core.port.StageEntry;
import dev.forge.core.port.StatEntry;
import dev.forge.core.port.StoredObject;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * A repository opened for a status ({@code Mode.SHARED}) whose index has not changed since the last
 * status took a {@link StatusSnapshot}: HEAD, the head commit's tree, the stage tree and merge state
 * come from the snapshot, the stage and stat cache from the stage file, and the index is opened (read
 * only, under the shared lock this store already holds) only when something else is asked for. It
 * answers exactly as the {@link RocksLocalStore#shared} store it stands for would.
 */
final class SnapshotLocalStore implements LocalStore {
    private final Path workTree;
    private final Path forgeDir;
    private final RepoConfig config;
    private final Path index;
    private final StatusSnapshot snapshot;
    private final IndexLock lock;
    private final SnapshotMetadata metadata = new SnapshotMetadata();
    private final LazyObjects objects = new LazyObjects();
    private RocksLocalStore delegate;
    private StageFile stage;
    private boolean stageRead;

    SnapshotLocalStore(
            Path workTree, Path forgeDir, RepoConfig config, Path index, StatusSnapshot snapshot, IndexLock lock) {
        this.workTree = workTree;
        this.forgeDir = forgeDir;
        this.config = config;
        this.index = index;
        this.snapshot = snapshot;
        this.lock = lock;
    }

    /** The store this one stands for, opened on first need. */
    synchronized RocksLocalStore delegate() {
        if (delegate == null) delegate = RocksLocalStore.sharedLocked(workTree, forgeDir, config, index);
        return delegate;
    }

    /** Whether anything so far needed the index (tests). */
    synchronized boolean indexOpened() {
        return delegate != null;
    }

    /** The stage file when it is the generation the snapshot names, else null (then the index decides). */
    private synchronized StageFile stage() {
        if (!stageRead) {
            stageRead = true;
            if (!java.nio.file.Files.exists(forgeDir.resolve(StageFile.NEW_FILE))) {
                StageFile f = StageFile.read(forgeDir.resolve(StageFile.FILE));
                if (f != null && f.generation == snapshot.stageGeneration) stage = f;
            }
        }
        return stage;
    }

    @Override
    public Path workTree() {
        return workTree;
    }

    @Override
    public Path forgeDir() {
        return forgeDir;
    }

    @Override
    public RepoConfig config() {
        return config;
    }

    @Override
    public boolean readOnly() {
        return true;
    }

    @Override
    public void saveConfig(RepoConfig c) {
        delegate().saveConfig(c);
    }

    @Override
    public ObjectStore objects() {
        return objects;
    }

    @Override
    public MetadataStore metadata() {
        return metadata;
    }

    @Override
    public StorageCheck checkStorage(ProgressListener progress) {
        return delegate().checkStorage(progress);
    }

    @Override
    public StorageUsage usage() {
        return delegate().usage();
    }

    @Override
    public SweepReport sweep(LiveSet live, double minLiveShare, boolean dryRun, ProgressListener progress) {
        return delegate().sweep(live, minLiveShare, dryRun, progress);
    }

    @Override
    public CompactReport compact(ProgressListener progress) {
        return delegate().compact(progress);
    }

    @Override
    public synchronized void close() {
        try {
            if (delegate != null) delegate.close();
        } finally {
            lock.close();
        }
    }

    private final class SnapshotMetadata implements MetadataStore {
        private MetadataStore index() {
            return delegate().metadata();
        }

        @Override
        public Optional<ObjectId> ref(String name) {
            if (snapshot.head instanceof Head.OnBranch b && name.equals(RefNames.branch(b.branch())))
                return snapshot.headCommit;
            return index().ref(name);
        }

        @Override
        public SortedMap<String, ObjectId> refs(String prefix) {
            return index().refs(prefix);
        }

        @Override
        public Head head() {
            return snapshot.head;
        }

        @Override
        public Optional<ObjectId> knownTree(ObjectId commit) {
            return snapshot.headCommit.equals(Optional.of(commit)) ? snapshot.headTree : Optional.empty();
        }

        @Override
        public Optional<StageEntry> stageEntry(String path) {
            StageFile f = stage();
            return f != null ? RocksMetadataStore.stageEntry(f, path) : index().stageEntry(path);
        }

        @Override
        public long forEachStage(Consumer<StageEntry> action) {
            StageFile f = stage();
            return f != null ? RocksMetadataStore.forEachStage(f, action) : index().forEachStage(action);
        }

        @Override
        public dev.forge.core.port.StageView stageView() {
            StageFile f = stage();
            return f != null ? f.view() : index().stageView();
        }

        @Override
        public Optional<StageTree> stageTree() {
            return snapshot.stageTree;
        }

        @Override
        public byte[] stageCache() {
            StageFile f = stage();
            if (f == null) return index().stageCache();
            return f.cache() == null ? null : f.cache().clone();
        }

        @Override
        public Optional<StatEntry> stat(String path) {
            StageFile f = stage();
            return f != null ? RocksMetadataStore.stat(f, path) : index().stat(path);
        }

        @Override
        public void forEachStat(BiConsumer<String, StatEntry> action) {
            StageFile f = stage();
            if (f != null) {
                RocksMetadataStore.forEachStat(f, action);
            } else {
                index().forEachStat(action);
            }
        }

        @Override
        public SortedMap<String, String> remotes() {
            return index().remotes();
        }

        @Override
        public Optional<MergeState> mergeState() {
            return Optional.empty(); // never snapshotted during a merge
        }

        @Override
        public List<Operation> operations(int limit) {
            return index().operations(limit);
        }

        @Override
        public long lastOperationSeq() {
            return index().lastOperationSeq();
        }

        /** Stat-cache refreshes (the only writes a status makes) go through the index's own store. */
        @Override
        public Update newUpdate() {
            return index().newUpdate();
        }
    }

    /** The index's object store, opened on first use. */
    private final class LazyObjects implements ObjectStore {
        private ObjectStore store() {
            return delegate().objects();
        }

        @Override
        public boolean contains(ObjectId id) {
            return store().contains(id);
        }

        @Override
        public boolean containsIntact(ObjectId id) {
            return store().containsIntact(id);
        }

        @Override
        public java.util.Set<ObjectId> knownDamaged() {
            return store().knownDamaged();
        }

        @Override
        public byte[] read(ObjectId id) {
            return store().read(id);
        }

        @Override
        public Optional<StoredObject> stat(ObjectId id) {
            return store().stat(id);
        }

        @Override
        public java.nio.ByteBuffer readChunk(ObjectId id) {
            return store().readChunk(id);
        }

        @Override
        public StoredRecord readStored(ObjectId id) {
            return store().readStored(id);
        }

        @Override
        public ObjectWriter newWriter() {
            return store().newWriter();
        }

        @Override
        public List<StoredObject> findByHexPrefix(String hexPrefix, int limit) {
            return store().findByHexPrefix(hexPrefix, limit);
        }

        @Override
        public void forEach(Consumer<StoredObject> action) {
            store().forEach(action);
        }
    }
}
