package dev.forge.storage;

import dev.forge.core.codec.Codec;
import dev.forge.core.error.ForgeException;
import dev.forge.core.error.IntegrityException;
import dev.forge.core.model.Commit;
import dev.forge.core.model.FileKind;
import dev.forge.core.model.Head;
import dev.forge.core.model.MalformedObjectException;
import dev.forge.core.model.ObjectId;
import dev.forge.core.model.ObjectType;
import dev.forge.core.model.RefNames;
import dev.forge.core.model.Tree;
import dev.forge.core.model.TreeEntry;
import dev.forge.core.port.LiveSet;
import dev.forge.core.port.LocalStoreFactory.IndexRebuildReport;
import dev.forge.core.port.Operation;
import dev.forge.core.port.ProgressListener;
import dev.forge.core.port.RepoConfig;
import dev.forge.core.port.StageEntry;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.zip.CRC32C;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;

/**
 * {@code forge repair --index}: builds a new index from the pack files, beside the old one, and swaps
 * it in (docs/format.md, "Rebuilding the index").
 *
 * <ul>
 *   <li>Objects and the pack list come from the packs themselves: every record whose CRC checks is
 *       indexed (the first copy of an id wins); a record that does not check is skipped and named.
 *   <li>Refs, HEAD, remotes and a merge in progress, the op log and the stage are copied from the old
 *       index where it still reads cleanly (each group on its own); what does not is taken from the
 *       {@link OpJournal}: refs, HEAD and remotes by replaying it, the op log from its copies, the
 *       stage from the last stage snapshot it names (else HEAD's tree). Without a journal, every
 *       commit no other commit has as a parent becomes a branch {@code recovered/<id>}.
 *   <li>The stat cache is not kept: the next status re-reads the files once.
 * </ul>
 *
 * <p>Safe to kill and rerun: the new index is built in {@code .forge/index.rebuild} (removed at the
 * start of each run), and only then is the old index renamed to {@code .forge/index.old-<time>} and
 * the new one renamed into place. A run killed between the two renames leaves no {@code
 * .forge/index}; the next run reads what it can from the newest {@code index.old-*} instead. The
 * exclusive lock on the old index's LOCK file keeps every other forge process out meanwhile.
 */
final class IndexRebuild {
    static final String NEW_DIR = "index.rebuild";
    static final String OLD_PREFIX = "index.old-";
    private static final int BATCH = 10_000;
    private static final byte[] HEAD_KEY = "HEAD".getBytes(StandardCharsets.UTF_8);
    private static final byte[] STAGE_TREE_KEY = "STAGE_TREE".getBytes(StandardCharsets.UTF_8);

    private final Path forge;
    private final RepoConfig config;
    private final List<String> notes = new ArrayList<>();

    IndexRebuild(Path forge) {
        this.forge = forge;
        this.config = ConfigFile.read(forge.resolve("config"));
    }

    /** What could be read from the old index: each group, or null when it did not read cleanly. */
    private static final class Salvage {
        List<byte[][]> refs;
        List<byte[][]> meta;
        List<byte[][]> oplog;
        List<byte[][]> stage;
    }

    /** The state a replay of the journal ends in. */
    private static final class Replay {
        String head;
        final SortedMap<String, ObjectId> refs = new TreeMap<>();
        final SortedMap<String, String> remotes = new TreeMap<>();
        final SortedMap<Long, byte[]> oplog = new TreeMap<>();
        ObjectId stageTree;
        boolean checkpointed;
    }

    IndexRebuildReport run(ProgressListener progress) {
        Path index = forge.resolve("index");
        Path fresh = forge.resolve(NEW_DIR);
        long deadline = System.nanoTime() + RocksIndex.lockTimeoutSeconds() * 1_000_000_000L;
        IndexLock lock = null;
        try {
            if (Files.isDirectory(index)) lock = IndexLock.exclusive(index, deadline);
            Path source = Files.isDirectory(index) ? index : newestOld();
            Salvage old = source == null ? new Salvage() : salvage(source);
            deleteTree(fresh);
            long[] counts;
            String refsFrom;
            String stageFrom;
            long refCount;
            long opCount;
            try (RocksIndex db = RocksIndex.open(fresh, RocksIndex.Access.CREATE)) {
                counts = indexPacks(db, progress);
                RocksObjectStore objects = new RocksObjectStore(
                        db,
                        forge.resolve("packs"),
                        forge.resolve("tmp"),
                        config.chunking().maxSize());
                try {
                    Replay journal =
                            old.refs != null && old.oplog != null && old.stage != null ? null : replayJournal();
                    if (old.refs != null) {
                        copy(db, db.refs, old.refs);
                        copy(db, db.meta, old.meta);
                        refsFrom = "the old index";
                    } else if (journal != null && journal.checkpointed) {
                        writeRefs(db, journal);
                        refsFrom = "the journal";
                        notes.add("a merge stopped on conflicts, if there was one, is forgotten: run it again");
                    } else {
                        refsFrom = inferRefs(db, objects);
                    }
                    if (old.oplog != null) {
                        copy(db, db.oplog, old.oplog);
                    } else if (journal != null && !journal.oplog.isEmpty()) {
                        writeOplog(db, journal.oplog);
                    } else {
                        notes.add("the operation log is lost: 'forge undo' cannot go back past this repair");
                    }
                    if (old.stage != null) {
                        copy(db, db.stage, old.stage);
                        stageFrom = "the old index";
                    } else {
                        stageFrom = rebuildStage(db, objects, journal);
                    }
                    refCount = count(db, db.refs);
                    opCount = count(db, db.oplog);
                    checkRefs(db, objects);
                } finally {
                    objects.close();
                }
            }
            Path moved = swap(index, fresh);
            notes.add("the stat cache starts empty: the next status reads every file once");
            return new IndexRebuildReport(
                    counts[0], counts[1], counts[2], refsFrom, refCount, opCount, stageFrom, moved, List.copyOf(notes));
        } catch (IOException e) {
            throw new ForgeException("cannot rebuild the index in " + forge + ": " + e.getMessage(), e);
        } finally {
            if (lock != null) lock.close();
        }
    }

    private Path newestOld() throws IOException {
        Path newest = null;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(forge, OLD_PREFIX + "*")) {
            for (Path p : ds) {
                if (newest == null
                        || p.getFileName()
                                        .toString()
                                        .compareTo(newest.getFileName().toString())
                                > 0) newest = p;
            }
        }
        return newest;
    }

    private Salvage salvage(Path source) {
        Salvage s = new Salvage();
        RocksIndex old;
        try {
            old = RocksIndex.open(source, RocksIndex.Access.READ_ONLY, false);
        } catch (ForgeException e) {
            notes.add("the old index cannot be opened (" + e.getMessage() + ")");
            return s;
        }
        try (old) {
            try {
                List<byte[][]> refs = readAll(old, old.refs);
                for (byte[][] kv : refs) {
                    String name = new String(kv[0], StandardCharsets.UTF_8);
                    if (kv[1].length != ObjectId.LENGTH) throw new IntegrityException("ref " + name + " is damaged");
                }
                List<byte[][]> meta = new ArrayList<>();
                for (byte[][] kv : readAll(old, old.meta)) {
                    // The stage file the old index names: its entries go into the new index's stage
                    // column family (a repository's stage before the file), and the key stays behind.
                    if (Arrays.equals(kv[0], RocksMetadataStore.STAGE_FILE_KEY)) continue;
                    if (Arrays.equals(kv[0], HEAD_KEY))
                        RocksMetadataStore.decodeHead(new String(kv[1], StandardCharsets.UTF_8));
                    // STAGE_TREE holds only with the old stage's digest; the rebuilt index goes without it.
                    if (!Arrays.equals(kv[0], STAGE_TREE_KEY)) meta.add(kv);
                }
                s.refs = refs;
                s.meta = meta;
            } catch (ForgeException e) {
                notes.add("refs in the old index do not read cleanly (" + e.getMessage() + ")");
            }
            try {
                List<byte[][]> ops = readAll(old, old.oplog);
                for (byte[][] kv : ops) IndexCodec.decodeOperation(kv[1]);
                s.oplog = ops;
            } catch (ForgeException e) {
                notes.add("the op log in the old index does not read cleanly (" + e.getMessage() + ")");
            }
            try {
                byte[] sf = old.get(old.meta, RocksMetadataStore.STAGE_FILE_KEY);
                Long stageFile = sf == null || sf.length != 9 ? null : PackFormat.getLong(sf, 1);
                List<byte[][]> stage = stageFile == null ? readAll(old, old.stage) : readStageFile(stageFile);
                for (byte[][] kv : stage) IndexCodec.decodeStage(new String(kv[0], StandardCharsets.UTF_8), kv[1]);
                s.stage = stage;
            } catch (ForgeException e) {
                notes.add("the stage in the old index does not read cleanly (" + e.getMessage() + ")");
            }
        }
        return s;
    }

    /** The stage entries of the stage file with generation {@code gen} ({@code stage}, else {@code stage.new}). */
    private List<byte[][]> readStageFile(long gen) {
        for (String name : List.of(StageFile.FILE, StageFile.NEW_FILE)) {
            StageFile f;
            try {
                f = StageFile.read(forge.resolve(name));
            } catch (ForgeException e) {
                continue;
            }
            if (f != null && f.generation == gen) return f.stageList();
        }
        throw new IntegrityException("the stage file the old index names is missing or damaged");
    }

    private static List<byte[][]> readAll(RocksIndex db, org.rocksdb.ColumnFamilyHandle cf) {
        List<byte[][]> out = new ArrayList<>();
        try (RocksIterator it = db.db.newIterator(cf)) {
            for (it.seekToFirst(); it.isValid(); it.next()) out.add(new byte[][] {it.key(), it.value()});
            RocksIndex.check(it);
        }
        return out;
    }

    /** Indexes every intact record of every pack; returns {packs, objects, damaged records}. */
    private long[] indexPacks(RocksIndex db, ProgressListener progress) throws IOException {
        Path packDir = forge.resolve("packs");
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(packDir, "*" + PackFormat.PACK_SUFFIX)) {
            for (Path p : ds) files.add(p);
        }
        files.sort(Comparator.comparing(p -> p.getFileName().toString()));
        long total = 0;
        for (Path p : files) total += Files.size(p);
        progress.begin("Indexing packs", total, "B");
        // 16 bytes per id (a HashSet would need ~150, too much for tens of millions of chunks); its rare
        // "seen" answers are confirmed against what is written, so a prefix collision loses nothing
        LiveSet seen = new LiveSet(1 << 16);
        long[] counts = new long[3];
        int packNo = 0;
        try {
            for (Path p : files) {
                List<byte[][]> entries = new ArrayList<>();
                long size = Files.size(p);
                int[] intact = new int[1];
                long damaged = scanPack(db, p, size, packNo, seen, entries, intact, progress);
                counts[2] += damaged;
                if (entries.isEmpty() && damaged > 0) {
                    Path aside = p.resolveSibling(p.getFileName() + ".damaged");
                    Files.move(p, aside, StandardCopyOption.ATOMIC_MOVE);
                    notes.add("pack " + p.getFileName() + " holds no intact record; moved to " + aside.getFileName());
                    continue;
                }
                try (WriteBatch batch = new WriteBatch()) {
                    batch.put(
                            db.packs,
                            RocksObjectStore.packKey(packNo),
                            IndexCodec.encodePack(
                                    new IndexCodec.PackInfo(p.getFileName().toString(), size, intact[0])));
                    int n = 0;
                    for (byte[][] kv : entries) {
                        batch.put(db.objects, kv[0], kv[1]);
                        if (++n % BATCH == 0) {
                            db.write(batch);
                            batch.clear();
                        }
                    }
                    db.write(batch);
                } catch (RocksDBException e) {
                    throw RocksIndex.failure("write", e);
                }
                counts[0]++;
                counts[1] += entries.size();
                packNo++;
            }
        } finally {
            progress.end();
        }
        return counts;
    }

    /**
     * Reads one pack's records in order, checking each record's CRC; adds the index entries of intact
     * records not seen before and counts the intact records in {@code intact[0]} (the pack list's
     * record count). Returns how many records were damaged.
     */
    private long scanPack(
            RocksIndex db,
            Path file,
            long size,
            int packNo,
            LiveSet seen,
            List<byte[][]> entries,
            int[] intact,
            ProgressListener progress)
            throws IOException {
        String name = file.getFileName().toString();
        long damaged = 0;
        try (InputStream raw = Files.newInputStream(file);
                DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 1 << 20))) {
            byte[] header = new byte[PackFormat.HEADER_SIZE];
            in.readFully(header);
            if (!Arrays.equals(header, 0, 8, PackFormat.HEADER_MAGIC, 0, 8)) {
                notes.add("pack " + name + " has a damaged header; its records are read anyway");
            }
            long pos = PackFormat.HEADER_SIZE;
            byte[] rh = new byte[PackFormat.RECORD_HEADER_SIZE];
            CRC32C crc = new CRC32C();
            Set<ObjectId> inThisPack = new HashSet<>();
            while (pos < size) {
                if (size - pos == PackFormat.TRAILER_SIZE) {
                    byte[] magic = new byte[8];
                    in.readFully(magic);
                    if (Arrays.equals(magic, PackFormat.TRAILER_MAGIC)) break;
                    in.readNBytes(PackFormat.TRAILER_SIZE - 8);
                    break;
                }
                if (size - pos < PackFormat.RECORD_HEADER_SIZE) {
                    damaged++;
                    notes.add("pack " + name + " ends in a torn record at offset " + pos);
                    break;
                }
                in.readFully(rh);
                int stored = PackFormat.getInt(rh, 40);
                int rawLen = PackFormat.getInt(rh, 36);
                if ((rh[0] & 0xFF) != PackFormat.RECORD_MAGIC
                        || stored < 0
                        || rawLen < 0
                        || stored > size - pos - PackFormat.RECORD_HEADER_SIZE) {
                    damaged++;
                    notes.add("pack " + name + " has a damaged record at offset " + pos + "; its last " + (size - pos)
                            + " bytes are not indexed");
                    break;
                }
                byte[] payload = new byte[stored];
                in.readFully(payload);
                crc.reset();
                crc.update(rh, 0, PackFormat.RECORD_CRC_OFFSET);
                crc.update(payload);
                ObjectId id = ObjectId.of(rh, 4);
                IndexCodec.Location l = null;
                if ((int) crc.getValue() == PackFormat.getInt(rh, PackFormat.RECORD_CRC_OFFSET)) {
                    try {
                        l = new IndexCodec.Location(
                                packNo,
                                pos,
                                stored,
                                rawLen,
                                Codec.fromCode(rh[2] & 0xFF),
                                ObjectType.fromCode(rh[1] & 0xFF));
                    } catch (IllegalArgumentException e) {
                        l = null;
                    }
                }
                if (l == null) {
                    damaged++;
                    notes.add("pack " + name + " has a damaged record at offset " + pos + " (object " + id.shortHex()
                            + "?), skipped");
                } else {
                    intact[0]++;
                    if (seen.add(id) || !(inThisPack.contains(id) || db.get(db.objects, id.toBytes()) != null)) {
                        entries.add(new byte[][] {id.toBytes(), IndexCodec.encodeLocation(l)});
                    }
                    inThisPack.add(id);
                }
                long len = PackFormat.RECORD_HEADER_SIZE + (long) stored;
                pos += len;
                progress.advance(len);
            }
        } catch (EOFException e) {
            damaged++;
            notes.add("pack " + name + " is truncated");
        }
        return damaged;
    }

    private Replay replayJournal() throws IOException {
        OpJournal.Contents c = OpJournal.read(forge.resolve(OpJournal.FILE));
        if (c == null) {
            notes.add("there is no journal (.forge/journal)");
            return null;
        }
        if (c.problem() != null) notes.add("the journal stops at " + c.problem() + "; what follows is lost");
        Replay r = new Replay();
        for (OpJournal.Entry e : c.entries()) {
            try {
                if (e.kind() == OpJournal.CHECKPOINT) {
                    OpJournal.Checkpoint cp = OpJournal.decodeCheckpoint(e.payload());
                    r.head = cp.head();
                    r.refs.clear();
                    r.refs.putAll(cp.refs());
                    r.remotes.clear();
                    r.remotes.putAll(cp.remotes());
                    if (cp.stageTree() != null) r.stageTree = cp.stageTree();
                    r.checkpointed = true;
                } else {
                    Operation op = IndexCodec.decodeOperation(e.payload());
                    r.oplog.put(e.seq(), e.payload());
                    for (Operation.RefChange ch : op.refChanges()) {
                        if (ch.after() == null) r.refs.remove(ch.ref());
                        else r.refs.put(ch.ref(), ch.after());
                    }
                    for (Operation.RemoteChange ch : op.remoteChanges()) {
                        if (ch.after() == null) r.remotes.remove(ch.name());
                        else r.remotes.put(ch.name(), ch.after());
                    }
                    r.head = op.headAfter();
                    if (op.stageAfter() != null) r.stageTree = op.stageAfter();
                }
            } catch (MalformedObjectException | IntegrityException ex) {
                notes.add("journal record " + e.seq() + " does not decode (" + ex.getMessage() + "), skipped");
            }
        }
        return r;
    }

    private static void writeRefs(RocksIndex db, Replay r) {
        try (WriteBatch b = new WriteBatch()) {
            for (Map.Entry<String, ObjectId> e : r.refs.entrySet())
                b.put(
                        db.refs,
                        e.getKey().getBytes(StandardCharsets.UTF_8),
                        e.getValue().toBytes());
            for (Map.Entry<String, String> e : r.remotes.entrySet())
                b.put(
                        db.meta,
                        ("remote." + e.getKey()).getBytes(StandardCharsets.UTF_8),
                        e.getValue().getBytes(StandardCharsets.UTF_8));
            if (r.head != null) b.put(db.meta, HEAD_KEY, r.head.getBytes(StandardCharsets.UTF_8));
            db.write(b);
        } catch (RocksDBException e) {
            throw RocksIndex.failure("write", e);
        }
    }

    private static void writeOplog(RocksIndex db, SortedMap<Long, byte[]> ops) {
        try (WriteBatch b = new WriteBatch()) {
            for (Map.Entry<Long, byte[]> e : ops.entrySet()) {
                byte[] k = new byte[8];
                PackFormat.putLong(k, 0, e.getKey());
                b.put(db.oplog, k, e.getValue());
            }
            db.write(b);
        } catch (RocksDBException e) {
            throw RocksIndex.failure("write", e);
        }
    }

    private static void copy(RocksIndex db, org.rocksdb.ColumnFamilyHandle cf, List<byte[][]> kvs) {
        try (WriteBatch b = new WriteBatch()) {
            for (byte[][] kv : kvs) b.put(cf, kv[0], kv[1]);
            db.write(b);
        } catch (RocksDBException e) {
            throw RocksIndex.failure("write", e);
        }
    }

    /** Without refs from anywhere: every commit that is no other's parent becomes a branch. */
    private String inferRefs(RocksIndex db, RocksObjectStore objects) {
        Map<ObjectId, Commit> commits = new java.util.HashMap<>();
        try (RocksIterator it = db.db.newIterator(db.objects)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                ObjectId id = ObjectId.of(it.key());
                if (IndexCodec.decodeLocation(id, it.value()).type() != ObjectType.COMMIT) continue;
                try {
                    commits.put(id, Commit.decode(objects.read(id)));
                } catch (MalformedObjectException | ForgeException e) {
                    notes.add("commit " + id.shortHex() + " cannot be read (" + e.getMessage() + ")");
                }
            }
            RocksIndex.check(it);
        }
        Set<ObjectId> parents = new HashSet<>();
        for (Commit c : commits.values()) parents.addAll(c.parents());
        List<Map.Entry<ObjectId, Commit>> tips = new ArrayList<>();
        for (Map.Entry<ObjectId, Commit> e : commits.entrySet()) {
            if (!parents.contains(e.getKey())) tips.add(e);
        }
        // newest first; commits of the same second in id order, so that reruns agree
        tips.sort(Comparator.comparing(
                        (Map.Entry<ObjectId, Commit> e) -> e.getValue().time().toInstant())
                .reversed()
                .thenComparing(Map.Entry::getKey));
        try (WriteBatch b = new WriteBatch()) {
            for (Map.Entry<ObjectId, Commit> t : tips) {
                b.put(
                        db.refs,
                        RefNames.branch(recoveredName(t.getKey())).getBytes(StandardCharsets.UTF_8),
                        t.getKey().toBytes());
            }
            if (!tips.isEmpty()) {
                Head head = new Head.OnBranch(recoveredName(tips.get(0).getKey()));
                b.put(db.meta, HEAD_KEY, head.encode().getBytes(StandardCharsets.UTF_8));
            }
            db.write(b);
        } catch (RocksDBException e) {
            throw RocksIndex.failure("write", e);
        }
        notes.add("branch and tag names, remotes and HEAD were lost: each of the " + tips.size()
                + " commit(s) without children is now a branch recovered/<id>, HEAD on the newest;"
                + " rename them with 'forge branch'");
        return "the commits (names lost)";
    }

    private static String recoveredName(ObjectId id) {
        return "recovered/" + id.hex().substring(0, 12);
    }

    /** The stage from the journal's last snapshot, else HEAD's tree, else empty. */
    private String rebuildStage(RocksIndex db, RocksObjectStore objects, Replay journal) {
        ObjectId tree = journal == null ? null : journal.stageTree;
        String from = "the journal's last stage snapshot";
        if (tree != null && !objects.contains(tree)) {
            notes.add("the stage snapshot " + tree.shortHex() + " the journal names is not in any pack");
            tree = null;
        }
        if (tree == null) {
            ObjectId headCommit = headCommit(db);
            if (headCommit == null) {
                return "nothing (empty stage)";
            }
            try {
                tree = Commit.decode(objects.read(headCommit)).tree();
            } catch (MalformedObjectException | ForgeException e) {
                notes.add("HEAD's commit cannot be read (" + e.getMessage() + "); the stage is empty");
                return "nothing (empty stage)";
            }
            from = "HEAD's commit (changes staged but not committed must be added again)";
        }
        try (WriteBatch b = new WriteBatch()) {
            Deque<Object[]> todo = new ArrayDeque<>();
            todo.push(new Object[] {"", tree});
            while (!todo.isEmpty()) {
                Object[] t = todo.pop();
                String prefix = (String) t[0];
                for (TreeEntry e : Tree.decode(objects.read((ObjectId) t[1])).entries()) {
                    String path = prefix.isEmpty() ? e.name() : prefix + "/" + e.name();
                    if (e.kind() == FileKind.DIRECTORY) {
                        todo.push(new Object[] {path, e.id()});
                    } else {
                        b.put(
                                db.stage,
                                path.getBytes(StandardCharsets.UTF_8),
                                IndexCodec.encodeStage(new StageEntry(path, e.kind(), e.content())));
                    }
                }
            }
            db.write(b);
        } catch (RocksDBException e) {
            throw RocksIndex.failure("write", e);
        } catch (MalformedObjectException | ForgeException e) {
            notes.add("the stage's tree cannot be read (" + e.getMessage() + "); the stage is empty");
            return "nothing (empty stage)";
        }
        return from;
    }

    private static ObjectId headCommit(RocksIndex db) {
        byte[] h = db.get(db.meta, HEAD_KEY);
        Head head = h == null
                ? new Head.OnBranch(RefNames.DEFAULT_BRANCH)
                : RocksMetadataStore.decodeHead(new String(h, StandardCharsets.UTF_8));
        return switch (head) {
            case Head.Detached d -> d.commit();
            case Head.OnBranch b -> {
                byte[] v = db.get(db.refs, RefNames.branch(b.branch()).getBytes(StandardCharsets.UTF_8));
                yield v == null || v.length != ObjectId.LENGTH ? null : ObjectId.of(v);
            }
        };
    }

    /** Notes refs whose commits no pack holds (fsck will name them too). */
    private void checkRefs(RocksIndex db, RocksObjectStore objects) {
        try (RocksIterator it = db.db.newIterator(db.refs)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                if (it.value().length == ObjectId.LENGTH && !objects.contains(ObjectId.of(it.value()))) {
                    notes.add("ref " + new String(it.key(), StandardCharsets.UTF_8) + " names commit "
                            + ObjectId.of(it.value()).shortHex() + ", which no pack holds");
                }
            }
            RocksIndex.check(it);
        }
    }

    private static long count(RocksIndex db, org.rocksdb.ColumnFamilyHandle cf) {
        long n = 0;
        try (RocksIterator it = db.db.newIterator(cf)) {
            for (it.seekToFirst(); it.isValid(); it.next()) n++;
            RocksIndex.check(it);
        }
        return n;
    }

    /** Old index aside (kept, named in the report), new one into place, both durable. */
    private Path swap(Path index, Path fresh) throws IOException {
        Path moved = null;
        if (Files.exists(index)) {
            moved = forge.resolve(OLD_PREFIX
                    + DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS", java.util.Locale.ROOT)
                            .withZone(java.time.ZoneOffset.UTC)
                            .format(java.time.Instant.now()));
            Files.move(index, moved, StandardCopyOption.ATOMIC_MOVE);
        }
        Files.move(fresh, index, StandardCopyOption.ATOMIC_MOVE);
        FileSync.directory(forge);
        return moved;
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                try {
                    Files.delete(p);
                } catch (NoSuchFileException ignored) {
                    // gone already
                }
            }
        }
    }
}
