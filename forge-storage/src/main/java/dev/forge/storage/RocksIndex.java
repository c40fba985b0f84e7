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
import org.rocksdb.RocksIterator;
import org.rocksdb.Status;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * The RocksDB database under {@code .forge/index}: one column family per kind of key (docs/format.md,
 * "Index"). Opened read-write, RocksDB's own file lock makes one process the repository's only
 * opener; others wait up to {@code FORGE_LOCK_TIMEOUT} seconds (default 60) and then give up with a
 * clear message. Opened read-only (a read-only mount, a full disk), nothing under {@code .forge/index}
 * is written and a shared lock on the same file ({@link IndexLock}) keeps writers out while it is open.
 *
 * <p>Every failure RocksDB reports as corruption, or a file of the database that is missing, is an
 * {@link IntegrityException} naming the file (RocksDB's message does) and saying that {@code forge
 * repair --index} rebuilds the index; iterations check the iterator's status, so damage never ends a
 * scan early as if the data ended there.
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

    /**
     * RocksDB keeps at most this many table files open (its default, -1, keeps every one open, and a
     * long history then needs one descriptor per file); together with the pack-channel cap it bounds
     * a command's descriptors whatever the repository's age.
     */
    static final int MAX_OPEN_FILES = 64;

    /**
     * A read-write session that finds this many level-0 files in a family compacts it before closing:
     * a short command exits before RocksDB's background compaction gets to them, so without this their
     * number would grow with every flush.
     */
    static final int LEVEL0_LIMIT = 8;

    /**
     * RocksDB would flush the previous commands' write-ahead logs into new level-0 files at every
     * opening (one per family written: thousands of tiny files after a few hundred commands, and space
     * needed just to open). Forge opens with {@code avoid_flush_during_recovery}, so the logs are
     * replayed into memory and kept; a read-write session that ends with this many logs flushes them.
     */
    static final int WAL_LIMIT = 8;

    /**
     * Write-ahead log bytes above which a writer's close flushes them into table files. Every opening,
     * read-only too, replays the logs into memory (the index opens with avoid-flush-during-recovery),
     * so the 22 MB log that adding 100,000 files leaves cost each later command a quarter of a second
     * (status of that tree: 0.24 s of RocksDB open; 0.06 s once flushed), until eight logs piled up.
     */
    static final long WAL_BYTES_LIMIT = 4L << 20;

    /**
     * A family with this many table files but less than {@link #SMALL_FAMILY} bytes is compacted into
     * one at close: keys that only grow (the op log's) never overlap, so RocksDB just moves each
     * flushed file down a level and their number would grow with the number of commands.
     */
    static final int FILES_PER_FAMILY_LIMIT = 8;

    static final long SMALL_FAMILY = 64L << 20;

    /** Housekeeping at close (flushes, compactions) needs space; below this much free it waits. */
    static final long HOUSEKEEPING_MIN_FREE = 64L << 20;

    /** How a database is opened. */
    enum Access {
        /** Create it (init, index rebuild). */
        CREATE,
        /** The normal case: exclusive, writable. */
        READ_WRITE,
        /** Nothing is written; a shared lock instead of RocksDB's exclusive one. */
        READ_ONLY
    }

    final Path dir;
    final RocksDB db;
    final boolean readOnly;
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
    private final ColumnFamilyOptions objectsCfOptions;
    private final LRUCache cache;
    private final BloomFilter bloom;
    private final IndexLock sharedLock;
    final WriteOptions syncWrite;

    private RocksIndex(
            Path dir,
            RocksDB db,
            boolean readOnly,
            List<ColumnFamilyHandle> handles,
            DBOptions dbo,
            ColumnFamilyOptions cfo,
            ColumnFamilyOptions objectsCfo,
            LRUCache cache,
            BloomFilter bloom,
            IndexLock sharedLock) {
        this.dir = dir;
        this.db = db;
        this.readOnly = readOnly;
        this.handles = handles;
        this.dbOptions = dbo;
        this.cfOptions = cfo;
        this.objectsCfOptions = objectsCfo;
        this.cache = cache;
        this.bloom = bloom;
        this.sharedLock = sharedLock;
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
        return open(dir, create ? Access.CREATE : Access.READ_WRITE);
    }

    static RocksIndex open(Path dir, Access access) {
        return open(dir, access, true);
    }

    /**
     * Opens with {@code sharedLock} false only where the caller holds the exclusive {@link IndexLock}
     * itself (an index rebuild reading the old database): a second lock on the file from the same
     * process would release the first when it is closed (POSIX record-lock semantics).
     */
    static RocksIndex open(Path dir, Access access, boolean sharedLock) {
        NativeLibraries.loadRocksDb();
        boolean create = access == Access.CREATE;
        LRUCache cache = new LRUCache(32L << 20);
        BloomFilter bloom = new BloomFilter(10);
        BlockBasedTableConfig table = new BlockBasedTableConfig()
                .setBlockCache(cache)
                .setFilterPolicy(bloom)
                .setBlockSize(16 << 10);
        ColumnFamilyOptions cfo =
                new ColumnFamilyOptions().setTableFormatConfig(table).setWriteBufferSize(16L << 20);
        // The objects family is asked "is this chunk stored?" for every chunk an add cuts, and in a new
        // or growing store most answers are no: without a filter each miss walks the memtable's skip
        // list (5% of the CPU of adding 100,000 small files). A whole-key bloom filter over the
        // memtable (a tenth of its size, allocated when one is created) answers most misses with a
        // few hashed bits; the table files already have one. Options only: nothing on disk changes.
        ColumnFamilyOptions objectsCfo = new ColumnFamilyOptions(cfo)
                .setMemtablePrefixBloomSizeRatio(0.1)
                .setMemtableWholeKeyFiltering(true);
        DBOptions dbo = new DBOptions()
                .setCreateIfMissing(create)
                .setCreateMissingColumnFamilies(create)
                .setParanoidChecks(true)
                .setAvoidFlushDuringRecovery(true)
                .setMaxOpenFiles(MAX_OPEN_FILES)
                .setInfoLogLevel(InfoLogLevel.WARN_LEVEL)
                .setKeepLogFileNum(2)
                .setMaxManifestFileSize(8L << 20)
                .setMaxBackgroundJobs(2);
        List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
        descriptors.add(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, cfo));
        for (String f : FAMILIES)
            descriptors.add(new ColumnFamilyDescriptor(
                    f.getBytes(java.nio.charset.StandardCharsets.UTF_8), f.equals(CF_OBJECTS) ? objectsCfo : cfo));
        long deadline = System.nanoTime() + lockTimeoutSeconds() * 1_000_000_000L;
        IndexLock lock = null;
        try {
            if (access == Access.READ_ONLY && sharedLock) lock = IndexLock.shared(dir, deadline);
            while (true) {
                List<ColumnFamilyHandle> handles = new ArrayList<>();
                try {
                    RocksDB db = access == Access.READ_ONLY
                            ? RocksDB.openReadOnly(dbo, dir.toString(), descriptors, handles)
                            : RocksDB.open(dbo, dir.toString(), descriptors, handles);
                    return new RocksIndex(
                            dir, db, access == Access.READ_ONLY, handles, dbo, cfo, objectsCfo, cache, bloom, lock);
                } catch (RocksDBException e) {
                    String msg = String.valueOf(e.getMessage());
                    if (isLockError(msg)) {
                        if (System.nanoTime() < deadline) {
                            sleep(50);
                            continue;
                        }
                        throw busy();
                    }
                    throw openFailure(dir, e);
                }
            }
        } catch (RuntimeException e) {
            if (lock != null) lock.close();
            dbo.close();
            cfo.close();
            objectsCfo.close();
            cache.close();
            bloom.close();
            throw e;
        }
    }

    static RepositoryBusyException busy() {
        return new RepositoryBusyException("another forge process is using this repository (waited "
                + lockTimeoutSeconds() + " s; set FORGE_LOCK_TIMEOUT to wait longer)");
    }

    private static boolean isLockError(String msg) {
        return msg.contains("lock")
                && (msg.contains("Resource temporarily unavailable")
                        || msg.contains("No locks available")
                        || msg.contains("lock hold by current process")
                        || msg.contains("While lock file"));
    }

    static long lockTimeoutSeconds() {
        String v = System.getenv("FORGE_LOCK_TIMEOUT");
        try {
            return v == null ? 60 : Math.max(0, Long.parseLong(v.trim()));
        } catch (NumberFormatException e) {
            return 60;
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ForgeException("interrupted while waiting for the repository lock");
        }
    }

    /** Why a database could not be written: a read-only file system, permissions, or no space left. */
    static final class Unwritable extends ForgeException {
        final boolean noSpace;

        Unwritable(String message, boolean noSpace, Throwable cause) {
            super(message, cause);
            this.noSpace = noSpace;
        }
    }

    private static ForgeException openFailure(Path dir, RocksDBException e) {
        String msg = String.valueOf(e.getMessage());
        if (isCorruption(e) || isMissingFile(msg)) {
            String detail = msg;
            if (msg.contains("CURRENT") && !msg.contains(dir.toString())) detail = dir.resolve("CURRENT") + ": " + msg;
            return damaged(detail, e);
        }
        ForgeException unwritable = unwritable(msg, e);
        if (unwritable != null) return unwritable;
        return new ForgeException("cannot open the repository index " + dir + ": " + msg, e);
    }

    private static boolean isCorruption(RocksDBException e) {
        Status s = e.getStatus();
        return (s != null && s.getCode() == Status.Code.Corruption)
                || String.valueOf(e.getMessage()).contains("Corruption");
    }

    /** A file the database's own records name is gone (a deleted MANIFEST or table file, no CURRENT). */
    private static boolean isMissingFile(String msg) {
        return msg.contains("No such file or directory")
                || msg.contains("does not exist (create_if_missing is false)")
                || msg.contains("CURRENT file");
    }

    private static Unwritable unwritable(String msg, Throwable cause) {
        if (msg.contains("No space left on device") || msg.contains("Disk quota exceeded")) {
            return new Unwritable("no space left on the device: " + firstLine(msg), true, cause);
        }
        if (msg.contains("Read-only file system") || msg.contains("Permission denied")) {
            return new Unwritable(firstLine(msg), false, cause);
        }
        return null;
    }

    /** The integrity error for damage to the index, with what to do about it. */
    static IntegrityException damaged(String detail, Throwable cause) {
        return new IntegrityException(
                "the repository index is damaged (" + describe(firstLine(detail))
                        + "); 'forge repair --index' rebuilds it from the pack files",
                cause);
    }

    private static final java.util.regex.Pattern FILE = java.util.regex.Pattern.compile(
            "(/[^:,\\n]*?/(?:[0-9]+\\.(?:sst|log)|MANIFEST-[0-9]+|CURRENT|OPTIONS-[0-9]+))");
    private static final java.util.regex.Pattern OFFSET = java.util.regex.Pattern.compile("offset ([0-9]+)");

    /** RocksDB's message shortened to the damaged file and what is wrong with it, where it says. */
    static String describe(String msg) {
        java.util.regex.Matcher f = FILE.matcher(msg);
        if (!f.find()) return msg;
        String file = f.group(1);
        if (msg.contains("No such file or directory") || msg.contains("does not exist")) return file + " is missing";
        if (msg.contains("checksum mismatch")) {
            java.util.regex.Matcher o = OFFSET.matcher(msg);
            return file + ": checksum mismatch" + (o.find() ? " at offset " + o.group(1) : "");
        }
        if (msg.contains("CURRENT file corrupted")) return file + " is not a valid CURRENT file";
        return msg;
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    byte[] get(ColumnFamilyHandle cf, byte[] key) {
        try {
            return db.get(cf, key);
        } catch (RocksDBException e) {
            throw failure("read", e);
        }
    }

    void write(WriteBatch batch) {
        if (readOnly) throw new IllegalStateException("write to an index opened read-only");
        try {
            db.write(syncWrite, batch);
        } catch (RocksDBException e) {
            throw failure("write", e);
        }
    }

    /**
     * Throws what an iteration that ended early met. A RocksDB iterator that hits a damaged block just
     * stops being valid; without this check a damaged index would look like a shorter one.
     */
    static void check(RocksIterator it) {
        try {
            it.status();
        } catch (RocksDBException e) {
            throw failure("read", e);
        }
    }

    static ForgeException failure(String what, RocksDBException e) {
        String msg = String.valueOf(e.getMessage());
        if (isCorruption(e) || msg.contains("No such file or directory")) return damaged(msg, e);
        Unwritable u = unwritable(msg, e);
        if (u != null) return u;
        return new ForgeException("repository index " + what + " failed: " + msg, e);
    }

    /** Table files of the database now (level 0 to the last), for reports. */
    int tableFiles() {
        return db.getLiveFilesMetaData().size();
    }

    /** Checks every block of every table file; throws the integrity error naming the first damaged file. */
    void verifyChecksums() {
        try {
            db.verifyChecksum();
        } catch (RocksDBException e) {
            throw failure("check", e);
        }
    }

    /**
     * Compacts every family into its last level: the fewest files, no deleted entries left. The last
     * level is rewritten too (by default RocksDB only moves files there, and keys that only grow, like
     * the op log's, would stay one small file per flush).
     */
    void compactAll() {
        try {
            for (ColumnFamilyHandle h : handles) compact(h);
        } catch (RocksDBException e) {
            throw failure("compaction", e);
        }
    }

    private void compact(ColumnFamilyHandle h) throws RocksDBException {
        try (org.rocksdb.CompactRangeOptions o = new org.rocksdb.CompactRangeOptions()
                .setBottommostLevelCompaction(
                        org.rocksdb.CompactRangeOptions.BottommostLevelCompaction.kForceOptimized)) {
            db.compactRange(h, null, null, o);
        }
    }

    /**
     * Flushes the write-ahead logs when {@link #WAL_LIMIT} piled up or they hold {@link
     * #WAL_BYTES_LIMIT}, and compacts the families whose
     * level-0 files did ({@link #LEVEL0_LIMIT}) or whose small files did ({@link
     * #FILES_PER_FAMILY_LIMIT}); nothing when space is short.
     */
    void housekeeping() {
        if (readOnly) return;
        try {
            if (java.nio.file.Files.getFileStore(dir).getUsableSpace() < HOUSEKEEPING_MIN_FREE) return;
        } catch (java.io.IOException e) {
            return;
        }
        try {
            java.util.List<org.rocksdb.LogFile> wal = db.getSortedWalFiles();
            long walBytes = 0;
            for (org.rocksdb.LogFile f : wal) walBytes += f.sizeFileBytes();
            if (wal.size() >= WAL_LIMIT || walBytes >= WAL_BYTES_LIMIT) {
                try (org.rocksdb.FlushOptions f = new org.rocksdb.FlushOptions().setWaitForFlush(true)) {
                    db.flush(f, handles);
                }
            }
            for (ColumnFamilyHandle h : handles) {
                // a string property: getLongProperty answers NotFound for it
                if (Long.parseLong(
                                db.getProperty(h, "rocksdb.num-files-at-level0").trim())
                        >= LEVEL0_LIMIT) db.compactRange(h);
            }
            java.util.Map<String, long[]> families = filesPerFamily();
            for (ColumnFamilyHandle h : handles) {
                long[] c = families.get(new String(h.getName(), java.nio.charset.StandardCharsets.UTF_8));
                if (c != null && c[0] >= FILES_PER_FAMILY_LIMIT && c[1] < SMALL_FAMILY) compact(h);
            }
        } catch (RocksDBException e) {
            throw failure("compaction", e);
        }
    }

    /** Family name to {table files, bytes}. */
    java.util.Map<String, long[]> filesPerFamily() {
        java.util.Map<String, long[]> families = new java.util.HashMap<>();
        for (org.rocksdb.LiveFileMetaData f : db.getLiveFilesMetaData()) {
            long[] c = families.computeIfAbsent(
                    new String(f.columnFamilyName(), java.nio.charset.StandardCharsets.UTF_8), k -> new long[2]);
            c[0]++;
            c[1] += f.size();
        }
        return families;
    }

    /** Write-ahead log files now, for reports and tests. */
    int walFiles() {
        try {
            return db.getSortedWalFiles().size();
        } catch (RocksDBException e) {
            throw failure("read", e);
        }
    }

    @Override
    public void close() {
        if (!readOnly) {
            try {
                housekeeping();
            } catch (ForgeException ignored) {
                // Housekeeping only: the data is durable; the next session tries again.
            }
        }
        for (ColumnFamilyHandle h : handles) h.close();
        if (!readOnly) {
            try {
                db.syncWal();
            } catch (RocksDBException ignored) {
                // Every batch Forge writes is already synced; this is belt and braces.
            }
        }
        db.close();
        syncWrite.close();
        dbOptions.close();
        cfOptions.close();
        objectsCfOptions.close();
        cache.close();
        bloom.close();
        if (sharedLock != null) sharedLock.close();
    }
}
