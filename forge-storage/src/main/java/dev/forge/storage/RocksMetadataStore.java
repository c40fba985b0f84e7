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

    /** {@code journal} is null where nothing is mirrored (tests of the index alone). */
    RocksMetadataStore(RocksIndex index, OpJournal journal) {
        this.index = index;
        this.journal = journal;
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

    @Override
    public Optional<StageEntry> stageEntry(String path) {
        byte[] v = index.get(index.stage, utf8(path));
        return v == null ? Optional.empty() : Optional.of(IndexCodec.decodeStage(path, v));
    }

    @Override
    public long forEachStage(Consumer<StageEntry> action) {
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
        return (keys.getValue() << 32 | values.getValue()) ^ n * 0x9E3779B97F4A7C15L;
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
    public void forEachStat(java.util.function.BiConsumer<String, StatEntry> action) {
        try (RocksIterator it = index.db.newIterator(index.stat)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                String path = new String(it.key(), StandardCharsets.UTF_8);
                action.accept(path, IndexCodec.decodeStat(path, it.value()));
            }
            RocksIndex.check(it);
        }
    }

    @Override
    public Optional<StatEntry> stat(String path) {
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

    @Override
    public Update newUpdate() {
        return new RocksUpdate();
    }

    private final class RocksUpdate implements Update {
        private final WriteBatch batch = new WriteBatch();
        private final SortedMap<Long, byte[]> recorded = new TreeMap<>();
        /** Read-only: a change other than a cache write was asked for. */
        private boolean refused;

        /**
         * Read-only: whether to drop this write. The stat cache and the stage-tree hint are caches (a
         * later writer recomputes them); anything else is state, and commit refuses it.
         */
        private boolean dropped(org.rocksdb.ColumnFamilyHandle cf, byte[] k) {
            if (writeRefusal == null) return false;
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

        @Override
        public Update putStage(StageEntry e) {
            return put(index.stage, utf8(e.path()), IndexCodec.encodeStage(e));
        }

        @Override
        public Update deleteStage(String path) {
            return delete(index.stage, utf8(path));
        }

        @Override
        public Update clearStage() {
            if (dropped(index.stage, new byte[0])) return this;
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
        public Update putStat(String path, StatEntry e) {
            return put(index.stat, utf8(path), IndexCodec.encodeStat(e));
        }

        @Override
        public Update deleteStat(String path) {
            return delete(index.stat, utf8(path));
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

        @Override
        public void commit() {
            if (writeRefusal != null) {
                batch.close();
                if (refused) throw new dev.forge.core.error.ReadOnlyRepositoryException(writeRefusal);
                return;
            }
            try {
                index.write(batch);
            } finally {
                batch.close();
            }
            if (journal != null) {
                for (var e : recorded.entrySet()) journal.append(e.getKey(), e.getValue(), RocksMetadataStore.this);
            }
        }
    }
}
