package dev.forge.storage;

import dev.forge.core.error.ForgeException;
import dev.forge.core.error.IntegrityException;
import dev.forge.core.error.RepositoryBusyException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.InfoLogLevel;
import org.rocksdb.LRUCache;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * The RocksDB database under {@code .forge/index}: one column family per kind of key (docs/format.md,
 * "Index"). RocksDB's own file lock makes one process the repository's only opener; others wait up
 * to {@code FORGE_LOCK_TIMEOUT} seconds (default 60) and then give up with a clear message.
 */
final class RocksIndex implements AutoCloseable {
    static final String CF_OBJECTS = "objects";
    static final String CF_PACKS = "packs";
    static final String CF_REFS = "refs";
    static final String CF_STAGE = "stage";
    static final String CF_STAT = "stat";
    static final String CF_OPLOG = "oplog";
    static final String CF_META = "meta";
    private static final List<String> FAMILIES =
            List.of(CF_OBJECTS, CF_PACKS, CF_REFS, CF_STAGE, CF_STAT, CF_OPLOG, CF_META);

    final RocksDB db;
    final ColumnFamilyHandle objects;
    final ColumnFamilyHandle packs;
    final ColumnFamilyHandle refs;
    final ColumnFamilyHandle stage;
    final ColumnFamilyHandle stat;
    final ColumnFamilyHandle oplog;
    final ColumnFamilyHandle meta;
    private final List<ColumnFamilyHandle> handles;
    private final DBOptions dbOptions;
    private final ColumnFamilyOptions cfOptions;
    private final LRUCache cache;
    private final BloomFilter bloom;
    final WriteOptions syncWrite;

    private RocksIndex(
            RocksDB db,
            List<ColumnFamilyHandle> handles,
            DBOptions dbo,
            ColumnFamilyOptions cfo,
            LRUCache cache,
            BloomFilter bloom) {
        this.db = db;
        this.handles = handles;
        this.dbOptions = dbo;
        this.cfOptions = cfo;
        this.cache = cache;
        this.bloom = bloom;
        this.objects = handles.get(1);
        this.packs = handles.get(2);
        this.refs = handles.get(3);
        this.stage = handles.get(4);
        this.stat = handles.get(5);
        this.oplog = handles.get(6);
        this.meta = handles.get(7);
        this.syncWrite = new WriteOptions().setSync(true);
    }

    static RocksIndex open(Path dir, boolean create) {
        NativeLibraries.loadRocksDb();
        LRUCache cache = new LRUCache(32L << 20);
        BloomFilter bloom = new BloomFilter(10);
        BlockBasedTableConfig table = new BlockBasedTableConfig()
                .setBlockCache(cache)
                .setFilterPolicy(bloom)
                .setBlockSize(16 << 10);
        ColumnFamilyOptions cfo =
                new ColumnFamilyOptions().setTableFormatConfig(table).setWriteBufferSize(16L << 20);
        DBOptions dbo = new DBOptions()
                .setCreateIfMissing(create)
                .setCreateMissingColumnFamilies(create)
                .setInfoLogLevel(InfoLogLevel.WARN_LEVEL)
                .setKeepLogFileNum(2)
                .setMaxManifestFileSize(8L << 20)
                .setMaxBackgroundJobs(2);
        List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
        descriptors.add(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, cfo));
        for (String f : FAMILIES)
            descriptors.add(new ColumnFamilyDescriptor(f.getBytes(java.nio.charset.StandardCharsets.UTF_8), cfo));
        long deadline = System.nanoTime() + lockTimeoutSeconds() * 1_000_000_000L;
        while (true) {
            List<ColumnFamilyHandle> handles = new ArrayList<>();
            try {
                RocksDB db = RocksDB.open(dbo, dir.toString(), descriptors, handles);
                return new RocksIndex(db, handles, dbo, cfo, cache, bloom);
            } catch (RocksDBException e) {
                String msg = String.valueOf(e.getMessage());
                if (isLockError(msg)) {
                    if (System.nanoTime() < deadline) {
                        sleep(50);
                        continue;
                    }
                    throw new RepositoryBusyException("another forge process is using this repository (waited "
                            + lockTimeoutSeconds() + " s; set FORGE_LOCK_TIMEOUT to wait longer)");
                }
                if (msg.contains("Corruption")) {
                    throw new IntegrityException("the repository index is damaged: " + msg);
                }
                throw new ForgeException("cannot open the repository index " + dir + ": " + msg, e);
            }
        }
    }

    private static boolean isLockError(String msg) {
        return msg.contains("lock")
                && (msg.contains("Resource temporarily unavailable")
                        || msg.contains("No locks available")
                        || msg.contains("lock hold by current process")
                        || msg.contains("While lock file"));
    }

    private static long lockTimeoutSeconds() {
        String v = System.getenv("FORGE_LOCK_TIMEOUT");
        try {
            return v == null ? 60 : Math.max(0, Long.parseLong(v.trim()));
        } catch (NumberFormatException e) {
            return 60;
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ForgeException("interrupted while waiting for the repository lock");
        }
    }

    byte[] get(ColumnFamilyHandle cf, byte[] key) {
        try {
            return db.get(cf, key);
        } catch (RocksDBException e) {
            throw failure("read", e);
        }
    }

    void write(WriteBatch batch) {
        try {
            db.write(syncWrite, batch);
        } catch (RocksDBException e) {
            throw failure("write", e);
        }
    }

    static ForgeException failure(String what, RocksDBException e) {
        String msg = String.valueOf(e.getMessage());
        if (msg.contains("Corruption")) return new IntegrityException("the repository index is damaged: " + msg, e);
        return new ForgeException("repository index " + what + " failed: " + msg, e);
    }

    @Override
    public void close() {
        for (ColumnFamilyHandle h : handles) h.close();
        try {
            db.syncWal();
        } catch (RocksDBException ignored) {
            // Every batch Forge writes is already synced; this is belt and braces.
        }
        db.close();
        syncWrite.close();
        dbOptions.close();
        cfOptions.close();
        cache.close();
        bloom.close();
    }
}
