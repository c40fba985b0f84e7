package dev.forge.storage;

import dev.forge.core.error.IntegrityException;
import dev.forge.core.model.Head;
import dev.forge.core.model.ObjectId;
import dev.forge.core.model.RefNames;
import dev.forge.core.port.MetadataStore;
import dev.forge.core.port.Operation;
import dev.forge.core.port.StageEntry;
import dev.forge.core.port.StatEntry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;

/**
 * Refs, HEAD, stage, stat cache and op log in their RocksDB column families. Each update that records
 * an operation is mirrored into the {@link OpJournal} once it is durable in the index.
 */
final class RocksMetadataStore implements MetadataStore, OpJournal.Source {
    private static final byte[] HEAD_KEY = "HEAD".getBytes(StandardCharsets.UTF_8);
    /** How far back a checkpoint looks in the op log for the stage's last snapshot. */
    private static final int STAGE_LOOKBACK = 10_000;

    private final RocksIndex index;
    private final OpJournal journal;
    private final AtomicLong nextOp;
    /** Where the stage file lives ({@code .forge}); null keeps the stage in the index (tests of it alone). */
    private final java.nio.file.Path forgeDir;

    /**
     * The stage file as last read or written, once read; null when not read yet. Which one holds the
     * stage and the stat cache: the index's meta key {@code STAGE_FILE} names the file's generation; a
     * repository without that key (made before the file existed) keeps them in its {@code stage} and
     * {@code stat} column families until its first write that touches them moves them into the file.
     */
    private StageFile file;

    /** Whether {@link #file} was read from {@code stage.new} (named by the index, rename still due). */
    private boolean filePending;

    /**
     * Whether the index was found to name no stage file (the stage is in its column families): known
     * until this store writes one, as {@link #file} is, so that the stat-cache look-ups of an add into
     * a new repository (one per file) do not each ask the index again.
     */
    private boolean noFile;

    /** {@code journal} is null where nothing is mirrored (tests of the index alone). */
    RocksMetadataStore(RocksIndex index, OpJournal journal, java.nio.file.Path forgeDir) {
        this.index = index;
        this.journal = journal;
        this.forgeDir = forgeDir;
        long last = 0;
        try (RocksIterator it = index.db.newIterator(index.oplog)) {
            it.seekToLast();
            if (it.isValid()) last = PackFormat.getLong(it.key(), 0);
            RocksIndex.check(it);
        }
        this.nextOp = new AtomicLong(last + 1);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public Optional<ObjectId> ref(String name) {
        byte[] v = index.get(index.refs, utf8(name));
        return v == null ? Optional.empty() : Optional.of(decodeRef(name, v));
    }

    private static ObjectId decodeRef(String name, byte[] v) {
        if (v.length != ObjectId.LENGTH)
            throw new IntegrityException("ref " + name + " is damaged (" + v.length + " bytes)");
        return ObjectId.of(v);
    }

    @Override
    public SortedMap<String, ObjectId> refs(String prefix) {
        SortedMap<String, ObjectId> out = new TreeMap<>();
        byte[] p = utf8(prefix);
        try (RocksIterator it = index.db.newIterator(index.refs)) {
            for (it.seek(p); it.isValid(); it.next()) {
                byte[] k = it.key();
                if (k.length < p.length || !Arrays.equals(k, 0, p.length, p, 0, p.length)) break;
                String name = new String(k, StandardCharsets.UTF_8);
                out.put(name, decodeRef(name, it.value()));
            }
            RocksIndex.check(it);
        }
        return out;
    }

    @Override
    public Head head() {
        byte[] v = index.get(index.meta, HEAD_KEY);
        if (v == null) return new Head.OnBranch(RefNames.DEFAULT_BRANCH);
        return decodeHead(new String(v, StandardCharsets.UTF_8));
    }

    static Head decodeHead(String s) {
        try {
            return Head.parse(s);
        } catch (IllegalArgumentException e) {
            throw new IntegrityException("HEAD is damaged: '" + s + "'");
        }
    }

    static final byte[] STAGE_FILE_KEY = "STAGE_FILE".getBytes(StandardCharsets.UTF_8);

    /** The generation of the stage file the index names, or null when the stage is in the index. */
    private Long stageFileGeneration() {
        if (forgeDir == null) return null;
        byte[] v = index.get(index.meta, STAGE_FILE_KEY);
        if (v == null) return null;
        if (v.length != 9 || v[0] != 1)
            throw new IntegrityException("meta STAGE_FILE is damaged (" + v.length + " bytes)");
        return PackFormat.getLong(v, 1);
    }

    /** The stage file the index names, read once; null when the stage is still in the index. */
    private synchronized StageFile file() {
        if (file != null) return file;
        if (noFile) return null;
        Long gen = stageFileGeneration();
        if (gen == null) {
            noFile = true;
            return null;
        }
        StageFile f = StageFile.read(forgeDir.resolve(StageFile.FILE));
        if (f != null && f.generation == gen) {
            file = f;
            return f;
        }
        // A writer stopped between publishing the generation and renaming the file into place.
        StageFile next = StageFile.read(forgeDir.resolve(StageFile.NEW_FILE));
        if (next != null && next.generation == gen) {
            file = next;
            filePending = true;
            if (writeRefusal == null) settle();
            return next;
        }
        throw new IntegrityException("the stage file " + forgeDir.resolve(StageFile.FILE)
                + (f == null
                        ? " is missing"
                        : " is not the one the index names (generation " + f.generation + ", not " + gen + ")")
                + "; 'forge repair --index' rebuilds the stage from the operation log");
    }

    /**
     * The generation of the stage file, when the stage is in one that is in place (not the index's
     * column families, no {@code stage.new} still to be renamed): what {@link StatusSnapshot} records.
     */
    synchronized Long settledStageGeneration() {
        StageFile f = file();
        return f == null || filePending ? null : f.generation;
    }

    static Optional<StageEntry> stageEntry(StageFile f, String path) {
        byte[] v = f.stageValue(utf8(path));
        return v == null ? Optional.empty() : Optional.of(IndexCodec.decodeStage(path, v));
    }

    static long forEachStage(StageFile f, Consumer<StageEntry> action) {
        f.forEachStageRaw((a, ko, kl, vo, vl) ->
                action.accept(IndexCodec.decodeStage(new String(a, ko, kl, StandardCharsets.UTF_8), a, vo, vl)));
        return f.stageDigest;
    }

    static void forEachStat(StageFile f, java.util.function.BiConsumer<String, StatEntry> action) {
        f.forEachStat((k, v) -> {
            String path = new String(k, StandardCharsets.UTF_8);
            action.accept(path, IndexCodec.decodeStat(path, v));
        });
    }

    static Optional<StatEntry> stat(StageFile f, String path) {
        byte[] v = f.statValue(utf8(path));
        return v == null ? Optional.empty() : Optional.of(IndexCodec.decodeStat(path, v));
    }

    /** Renames a {@code stage.new} that the index already names into place. */
    private void settle() {
        if (!filePending) return;
        StageFile.publish(forgeDir);
        if (!java.nio.file.Files.exists(forgeDir.resolve(StageFile.NEW_FILE))) filePending = false;
    }

    @Override
    public Optional<StageEntry> stageEntry(String path) {
        StageFile f = file();
        if (f != null) return stageEntry(f, path);
        byte[] v = index.get(index.stage, utf8(path));
        return v == null ? Optional.empty() : Optional.of(IndexCodec.decodeStage(path, v));
    }

    @Override
    public long forEachStage(Consumer<StageEntry> action) {
        StageFile f = file();
        if (f != null) return forEachStage(f, action);
        java.util.zip.CRC32C keys = new java.util.zip.CRC32C();
        java.util.zip.CRC32C values = new java.util.zip.CRC32C();
        long n = 0;
        try (RocksIterator it = index.db.newIterator(index.stage)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                byte[] k = it.key();
                byte[] v = it.value();
                keys.update(k.length);
                keys.update(k);
                values.update(v.length);
                values.update(v);
                n++;
                action.accept(IndexCodec.decodeStage(new String(k, StandardCharsets.UTF_8), v));
            }
            RocksIndex.check(it);
        }
        // Two CRC32Cs (keys, values) and the count: a change that kept all three would have to collide
        // both checksums at once, and the digest is only ever compared with the same stage's earlier one.
        return StageFile.combine(keys.getValue(), values.getValue(), n);
    }

    private static final byte[] STAGE_TREE_KEY = "STAGE_TREE".getBytes(StandardCharsets.UTF_8);

    @Override
    public Optional<StageTree> stageTree() {
        byte[] v = index.get(index.meta, STAGE_TREE_KEY);
        if (v == null || v.length != 1 + 32 + 8 || v[0] != 1) return Optional.empty();
        return Optional.of(
                new StageTree(ObjectId.of(java.util.Arrays.copyOfRange(v, 1, 33)), PackFormat.getLong(v, 33)));
    }

    @Override
    public byte[] stageCache() {
        StageFile f = file();
        return f == null || f.cache() == null ? null : f.cache().clone();
    }

    @Override
    public void forEachStat(java.util.function.BiConsumer<String, StatEntry> action) {
        StageFile f = file();
        if (f != null) {
            forEachStat(f, action);
            return;
        }
        try (RocksIterator it = index.db.newIterator(index.stat)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                String path = new String(it.key(), StandardCharsets.UTF_8);
                action.accept(path, IndexCodec.decodeStat(path, it.value()));
            }
            RocksIndex.check(it);
        }
    }

    @Override
    public dev.forge.core.port.StageView stageView() {
        StageFile f = file();
        return f != null ? f.view() : MetadataStore.super.stageView();
    }

    @Override
    public Optional<StatEntry> stat(String path) {
        StageFile f = file();
        if (f != null) return stat(f, path);
        byte[] v = index.get(index.stat, utf8(path));
        return v == null ? Optional.empty() : Optional.of(IndexCodec.decodeStat(path, v));
    }

    private static final String REMOTE_PREFIX = "remote.";
    private static final byte[] MERGE_KEY = "MERGE".getBytes(StandardCharsets.UTF_8);

    @Override
    public Optional<dev.forge.core.port.MergeState> mergeState() {
        byte[] v = index.get(index.meta, MERGE_KEY);
        return v == null ? Optional.empty() : Optional.of(IndexCodec.decodeMerge(v));
    }

    @Override
    public SortedMap<String, String> remotes() {
        SortedMap<String, String> out = new TreeMap<>();
        byte[] p = utf8(REMOTE_PREFIX);
        try (RocksIterator it = index.db.newIterator(index.meta)) {
            for (it.seek(p); it.isValid(); it.next()) {
                byte[] k = it.key();
                if (k.length < p.length || !Arrays.equals(k, 0, p.length, p, 0, p.length)) break;
                out.put(
                        new String(k, p.length, k.length - p.length, StandardCharsets.UTF_8),
                        new String(it.value(), StandardCharsets.UTF_8));
            }
            RocksIndex.check(it);
        }
        return out;
    }

    @Override
    public long lastOperationSeq() {
        return nextOp.get() - 1;
    }

    @Override
    public List<Operation> operations(int limit) {
        List<Operation> out = new ArrayList<>();
        try (RocksIterator it = index.db.newIterator(index.oplog)) {
            for (it.seekToLast(); it.isValid() && out.size() < limit; it.prev()) {
                out.add(IndexCodec.decodeOperation(it.value()));
            }
            RocksIndex.check(it);
        }
        return out;
    }

    @Override
    public SortedMap<Long, byte[]> operations(long from, long to) {
        SortedMap<Long, byte[]> out = new TreeMap<>();
        byte[] start = new byte[8];
        PackFormat.putLong(start, 0, from);
        try (RocksIterator it = index.db.newIterator(index.oplog)) {
            for (it.seek(start); it.isValid(); it.next()) {
                long seq = PackFormat.getLong(it.key(), 0);
                if (seq >= to) break;
                out.put(seq, it.value());
            }
            RocksIndex.check(it);
        }
        return out;
    }

    @Override
    public OpJournal.Checkpoint checkpoint() {
        ObjectId stageTree = null;
        try (RocksIterator it = index.db.newIterator(index.oplog)) {
            int n = 0;
            for (it.seekToLast(); it.isValid() && n < STAGE_LOOKBACK && stageTree == null; it.prev(), n++) {
                stageTree = IndexCodec.decodeOperation(it.value()).stageAfter();
            }
            RocksIndex.check(it);
        }
        return new OpJournal.Checkpoint(head().encode(), refs(""), remotes(), stageTree);
    }

    /** Set for a store opened read-only: updates drop cache writes and refuse the rest with this. */
    private volatile String writeRefusal;

    void refuseWrites(dev.forge.core.error.ReadOnlyRepositoryException why) {
        writeRefusal = why.getMessage();
    }

    /**
     * Opened read-only on a writable device (a reading command): stat-cache writes are not dropped but
     * written to the stage file alone, under the generation the index names (see {@link
     * RocksUpdate#writeStatOnly}).
     */
    private volatile boolean cacheWrites;

    void allowCacheWrites() {
        cacheWrites = true;
    }

    @Override
    public Update newUpdate() {
        return new RocksUpdate();
    }

    private static final byte[] NO_KEY = new byte[0];
    private static final byte[] LAST_KEY = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF};

    private static List<byte[][]> readAll(RocksIndex index, org.rocksdb.ColumnFamilyHandle cf) {
        List<byte[][]> out = new ArrayList<>();
        try (RocksIterator it = index.db.newIterator(cf)) {
            for (it.seekToFirst(); it.isValid(); it.next()) out.add(new byte[][] {it.key(), it.value()});
            RocksIndex.check(it);
        }
        return out;
    }

    private final class RocksUpdate implements Update {
        private final WriteBatch batch = new WriteBatch();
        private final SortedMap<Long, byte[]> recorded = new TreeMap<>();
        /** Stage and stat-cache changes for the stage file (a null value deletes), in path order. */
        private final StageFile.Changes stageChanges = new StageFile.Changes();

        private final StageFile.Changes statChanges = new StageFile.Changes();
        private boolean stageCleared;
        private boolean stageTouched;
        /** The tree cache to store with the stage, or null to keep the one stored. */
        private byte[] cacheChange;
        /** A tree the stage this update writes equals ({@link #recordStageTree}), or null. */
        private ObjectId stageTreeAfter;
        /** Read-only: a change other than a cache write was asked for. */
        private boolean refused;

        /**
         * Read-only: whether to drop this write. The stat cache and the stage-tree hint are caches (a
         * later writer recomputes them); anything else is state, and commit refuses it.
         */
        private boolean dropped(org.rocksdb.ColumnFamilyHandle cf, byte[] k) {
            if (writeRefusal == null) return false;
            if (cf == index.stat && cacheWrites && forgeDir != null) return false;
            if (cf != index.stat && !(cf == index.meta && Arrays.equals(k, STAGE_TREE_KEY))) refused = true;
            return true;
        }

        private RocksUpdate put(org.rocksdb.ColumnFamilyHandle cf, byte[] k, byte[] v) {
            if (dropped(cf, k)) return this;
            try {
                batch.put(cf, k, v);
            } catch (RocksDBException e) {
                throw RocksIndex.failure("write", e);
            }
            return this;
        }

        private RocksUpdate delete(org.rocksdb.ColumnFamilyHandle cf, byte[] k) {
            if (dropped(cf, k)) return this;
            try {
                batch.delete(cf, k);
            } catch (RocksDBException e) {
                throw RocksIndex.failure("write", e);
            }
            return this;
        }

        /** Records a stage or stat-cache change for the stage file; false when it is dropped (read-only). */
        private boolean change(org.rocksdb.ColumnFamilyHandle cf, byte[] k, byte[] v) {
            if (dropped(cf, k)) return true;
            if (forgeDir == null) return false;
            (cf == index.stage ? stageChanges : statChanges).put(k, v);
            stageTouched = true;
            return true;
        }

        @Override
        public Update putStage(StageEntry e) {
            byte[] k = utf8(e.path());
            byte[] v = IndexCodec.encodeStage(e);
            return change(index.stage, k, v) ? this : put(index.stage, k, v);
        }

        @Override
        public Update deleteStage(String path) {
            byte[] k = utf8(path);
            return change(index.stage, k, null) ? this : delete(index.stage, k);
        }

        @Override
        public Update clearStage() {
            if (dropped(index.stage, new byte[0])) return this;
            if (forgeDir != null) {
                stageChanges.clear();
                stageCleared = true;
                stageTouched = true;
                return this;
            }
            try {
                batch.deleteRange(
                        index.stage, new byte[0], new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF});
            } catch (RocksDBException e) {
                throw RocksIndex.failure("write", e);
            }
            return this;
        }

        @Override
        public Update setStageTree(ObjectId tree, long stageDigest) {
            byte[] v = new byte[1 + 32 + 8];
            v[0] = 1; // version
            tree.copyTo(v, 1);
            PackFormat.putLong(v, 33, stageDigest);
            return put(index.meta, STAGE_TREE_KEY, v);
        }

        @Override
        public Update recordStageTree(ObjectId tree) {
            stageTreeAfter = java.util.Objects.requireNonNull(tree, "tree");
            return this;
        }

        @Override
        public Update setStageCache(byte[] section) {
            // A cache: dropped where nothing may be written, and where the stage is kept in the index.
            if (writeRefusal != null || forgeDir == null) return this;
            cacheChange = section.clone();
            stageTouched = true;
            return this;
        }

        @Override
        public Update putStat(String path, StatEntry e) {
            byte[] k = utf8(path);
            byte[] v = IndexCodec.encodeStat(e);
            return change(index.stat, k, v) ? this : put(index.stat, k, v);
        }

        @Override
        public Update deleteStat(String path) {
            byte[] k = utf8(path);
            return change(index.stat, k, null) ? this : delete(index.stat, k);
        }

        @Override
        public Update setRef(String name, ObjectId id) {
            return put(index.refs, utf8(name), id.toBytes());
        }

        @Override
        public Update deleteRef(String name) {
            return delete(index.refs, utf8(name));
        }

        @Override
        public Update setHead(Head head) {
            return put(index.meta, HEAD_KEY, utf8(head.encode()));
        }

        @Override
        public Update setMergeState(dev.forge.core.port.MergeState state) {
            return put(index.meta, MERGE_KEY, IndexCodec.encodeMerge(state));
        }

        @Override
        public Update clearMergeState() {
            return delete(index.meta, MERGE_KEY);
        }

        @Override
        public Update setRemote(String name, String url) {
            return put(index.meta, utf8(REMOTE_PREFIX + name), utf8(url));
        }

        @Override
        public Update deleteRemote(String name) {
            return delete(index.meta, utf8(REMOTE_PREFIX + name));
        }

        @Override
        public Update record(Operation op) {
            long seq = nextOp.getAndIncrement();
            byte[] k = new byte[8];
            PackFormat.putLong(k, 0, seq);
            byte[] v = IndexCodec.encodeOperation(op);
            put(index.oplog, k, v);
            if (writeRefusal == null) recorded.put(seq, v);
            return this;
        }

        /**
         * Writes the new stage file as {@code stage.new} (fsynced), then the batch with the file's
         * generation (and, for a repository that still kept the stage in the index, the deletion of
         * that copy), then renames the file into place: a kill before the batch leaves the old stage,
         * after it the new one (read from {@code stage.new} if the rename did not happen).
         */
        private void writeStageFile() {
            synchronized (RocksMetadataStore.this) {
                StageFile cur = file();
                boolean migrate = cur == null;
                if (!migrate) {
                    settle();
                    if (filePending)
                        throw new dev.forge.core.error.ForgeException(
                                "cannot rename " + forgeDir.resolve(StageFile.NEW_FILE) + " into place");
                }
                long gen;
                do {
                    gen = java.util.concurrent.ThreadLocalRandom.current().nextLong();
                } while (gen == 0 || (cur != null && gen == cur.generation));
                byte[] bytes;
                if (migrate) {
                    markFormat();
                    List<byte[][]> stage = StageFile.merge(
                            stageCleared ? List.of() : readAll(index, index.stage), stageChanges.sorted(), false);
                    List<byte[][]> stat = StageFile.merge(readAll(index, index.stat), statChanges.sorted(), false);
                    bytes = StageFile.encode(gen, stage, stat, cacheChange);
                } else {
                    bytes = cur.with(
                            gen,
                            stageChanges.sorted(),
                            stageCleared,
                            statChanges.sorted(),
                            cacheChange != null ? cacheChange : cur.cache());
                }
                StageFile.writeNew(forgeDir, bytes);
                // Named with the digest of the file just written (its header's), in the same batch.
                if (stageTreeAfter != null) setStageTree(stageTreeAfter, StageFile.digestIn(bytes));
                byte[] v = new byte[9];
                v[0] = 1; // version
                PackFormat.putLong(v, 1, gen);
                try {
                    batch.put(index.meta, STAGE_FILE_KEY, v);
                    if (migrate) {
                        batch.deleteRange(index.stage, NO_KEY, LAST_KEY);
                        batch.deleteRange(index.stat, NO_KEY, LAST_KEY);
                    }
                } catch (RocksDBException e) {
                    throw RocksIndex.failure("write", e);
                }
                index.write(batch);
                file = StageFile.parse(forgeDir.resolve(StageFile.NEW_FILE), java.nio.ByteBuffer.wrap(bytes));
                noFile = false;
                filePending = true;
                settle();
            }
        }

        /**
         * A stat-cache refresh without an index write (the index is open read-only): the same stage
         * under the same generation with the new stat cache, written to a file of its own, fsynced and
         * renamed over {@code stage}. Writers are kept out meanwhile by the shared lock; two readers
         * doing this at once each leave a whole file, and the last rename wins (it is a cache). Where
         * the stage is still in the index, or a rename is still due, the refresh waits for a writer.
         */
        private void writeStatOnly() {
            synchronized (RocksMetadataStore.this) {
                StageFile cur;
                try {
                    cur = file();
                } catch (RuntimeException e) {
                    return;
                }
                if (cur == null || filePending) return;
                byte[] bytes = cur.with(cur.generation, List.of(), false, statChanges.sorted(), cur.cache());
                if (StageFile.replace(forgeDir, bytes)) {
                    file = StageFile.parse(forgeDir.resolve(StageFile.FILE), java.nio.ByteBuffer.wrap(bytes));
                }
            }
        }

        /**
         * Marks the repository with the format that has the stage file before the stage moves there,
         * so that a forge that knows only format 1 refuses it instead of seeing an empty stage.
         */
        private void markFormat() {
            java.nio.file.Path config = forgeDir.resolve("config");
            if (!java.nio.file.Files.isRegularFile(config)) return; // tests of the store without a repository
            dev.forge.core.port.RepoConfig c = ConfigFile.read(config);
            if (c.format() < dev.forge.core.port.RepoConfig.FORMAT) ConfigFile.write(config, c);
        }

        @Override
        public void commit() {
            if (writeRefusal != null) {
                batch.close();
                if (refused) throw new dev.forge.core.error.ReadOnlyRepositoryException(writeRefusal);
                if (!statChanges.isEmpty()) writeStatOnly();
                return;
            }
            try {
                if (stageTouched) {
                    writeStageFile();
                } else {
                    index.write(batch);
                }
            } finally {
                batch.close();
            }
            if (journal != null) {
                for (var e : recorded.entrySet()) journal.append(e.getKey(), e.getValue(), RocksMetadataStore.this);
            }
        }
    }
}
