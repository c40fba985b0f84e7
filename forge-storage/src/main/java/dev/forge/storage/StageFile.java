package dev.forge.storage;

import dev.forge.core.error.ForgeException;
import dev.forge.core.error.IntegrityException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * The stage and the work-tree stat cache as one flat, sorted file, {@code .forge/stage} (docs/format.md,
 * "Stage file"), modelled on git's index: read whole with one read and one checksum instead of one
 * RocksDB iterator step (a JNI call and a copy of key and value) per path, and written whole: to
 * {@code stage.new}, fsynced, then published by the index batch that names its generation, then
 * renamed over {@code stage}. Hand-written because it is Forge's own format.
 *
 * <p>Layout (big-endian): magic {@code FGSTAGE\0}, u32 version (1 or 2), u32 flags (0), u64 generation,
 * u64 stage digest (see {@link #digestOf}), u32 stage count, u32 stat count, the stage entries, the
 * stat entries, in version 2 a u32 length and that many bytes of tree cache (opaque here: the core's
 * {@code TreeCache}, which checks it against the stage before use), then u32 CRC32C of every byte
 * before it. An entry is u16 path length, the UTF-8 path, u16 value length, the value in the index's
 * encoding ({@link IndexCodec#encodeStage}, {@link IndexCodec#encodeStat}). Entries of each section
 * are in unsigned byte order of their paths. A file without a tree cache is written as version 1, so
 * that a forge that reads only version 1 still reads it.
 */
final class StageFile {
    static final String FILE = "stage";
    static final String NEW_FILE = "stage.new";
    /** The newest version this build reads and writes (2: with a tree cache). */
    static final int VERSION = 2;

    private static final byte[] MAGIC = "FGSTAGE\0".getBytes(StandardCharsets.US_ASCII);
    private static final int HEADER = 8 + 4 + 4 + 8 + 8 + 4 + 4;
    static final Comparator<byte[]> KEY_ORDER = Arrays::compareUnsigned;

    /** Whether reads map the file ({@code -Dforge.stage.map=true}) or copy it into the heap (default). */
    private static final boolean MAP = Boolean.getBoolean("forge.stage.map");

    final long generation;
    final long stageDigest;
    private final ByteBuffer buf;
    /** Offsets of each entry's u16 path length: stage entries, then stat entries. */
    private final int[] stageAt;

    private final int[] statAt;
    /** The tree-cache section's bytes, or null (version 1). */
    private final byte[] cache;

    private StageFile(long generation, long stageDigest, ByteBuffer buf, int[] stageAt, int[] statAt, byte[] cache) {
        this.generation = generation;
        this.stageDigest = stageDigest;
        this.buf = buf;
        this.stageAt = stageAt;
        this.statAt = statAt;
        this.cache = cache;
    }

    /** An empty stage and stat cache (a repository that has none stored). */
    static StageFile empty() {
        return new StageFile(0, digestOf(java.util.List.of()), ByteBuffer.allocate(0), new int[0], new int[0], null);
    }

    /** The tree-cache section stored with the stage, or null when there is none. */
    byte[] cache() {
        return cache;
    }

    int stageCount() {
        return stageAt.length;
    }

    int statCount() {
        return statAt.length;
    }

    /** Calls {@code action} with (path bytes, value bytes) of each stage entry, in path order. */
    void forEachStage(EntryVisitor action) {
        forEach(stageAt, action);
    }

    void forEachStat(EntryVisitor action) {
        forEach(statAt, action);
    }

    interface EntryVisitor {
        void visit(byte[] key, byte[] value);
    }

    /** Sees an entry where it lies: its key at {@code a[keyOff, keyOff+keyLen)}, its value likewise. */
    interface RawVisitor {
        void visit(byte[] a, int keyOff, int keyLen, int valueOff, int valueLen);
    }

    /**
     * Calls {@code action} with each stage entry in place (no copy of keys and values when the file was
     * read into the heap, the default), in path order.
     */
    void forEachStageRaw(RawVisitor action) {
        if (!buf.hasArray()) {
            forEachStage((k, v) -> {
                byte[] a = new byte[k.length + v.length];
                System.arraycopy(k, 0, a, 0, k.length);
                System.arraycopy(v, 0, a, k.length, v.length);
                action.visit(a, 0, k.length, k.length, v.length);
            });
            return;
        }
        byte[] a = buf.array();
        int base = buf.arrayOffset();
        for (int off : stageAt) {
            int kl = Short.toUnsignedInt(buf.getShort(off));
            int vl = Short.toUnsignedInt(buf.getShort(off + 2 + kl));
            action.visit(a, base + off + 2, kl, base + off + 4 + kl, vl);
        }
    }

    private void forEach(int[] at, EntryVisitor action) {
        for (int off : at) action.visit(key(off), value(off));
    }

    private byte[] key(int off) {
        byte[] k = new byte[Short.toUnsignedInt(buf.getShort(off))];
        buf.get(off + 2, k);
        return k;
    }

    private byte[] value(int off) {
        int kl = Short.toUnsignedInt(buf.getShort(off));
        byte[] v = new byte[Short.toUnsignedInt(buf.getShort(off + 2 + kl))];
        buf.get(off + 4 + kl, v);
        return v;
    }

    /** The stage and stat cache as a {@link StageFileView} over this file's bytes. */
    dev.forge.core.port.StageView view() {
        byte[] bytes;
        if (buf.hasArray() && buf.arrayOffset() == 0) {
            bytes = buf.array();
        } else {
            bytes = new byte[buf.limit()];
            buf.get(0, bytes);
        }
        return new StageFileView(bytes, stageAt, statAt, stageDigest);
    }

    byte[] stageValue(byte[] key) {
        return find(stageAt, key);
    }

    byte[] statValue(byte[] key) {
        return find(statAt, key);
    }

    private byte[] find(int[] at, byte[] key) {
        int lo = 0;
        int hi = at.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = compareKey(at[mid], key);
            if (c < 0) lo = mid + 1;
            else if (c > 0) hi = mid - 1;
            else return value(at[mid]);
        }
        return null;
    }

    private int compareKey(int off, byte[] key) {
        int kl = Short.toUnsignedInt(buf.getShort(off));
        int n = Math.min(kl, key.length);
        for (int i = 0; i < n; i++) {
            int c = Integer.compare(buf.get(off + 2 + i) & 0xFF, key[i] & 0xFF);
            if (c != 0) return c;
        }
        return Integer.compare(kl, key.length);
    }

    /** Every stage entry as {path bytes, value}, in path order (for computing a new file). */
    java.util.List<byte[][]> stageList() {
        return list(stageAt);
    }

    java.util.List<byte[][]> statList() {
        return list(statAt);
    }

    private java.util.List<byte[][]> list(int[] at) {
        java.util.List<byte[][]> out = new java.util.ArrayList<>(at.length);
        for (int off : at) out.add(new byte[][] {key(off), value(off)});
        return out;
    }

    /**
     * {@code base} (sorted by {@link #KEY_ORDER}) with {@code changes} applied: a null value deletes
     * its path; with {@code cleared} nothing of {@code base} is kept.
     */
    static java.util.List<byte[][]> merge(
            java.util.List<byte[][]> base, java.util.SortedMap<byte[], byte[]> changes, boolean cleared) {
        return merge(base, changes.entrySet(), cleared);
    }

    /** As {@link #merge(java.util.List, java.util.SortedMap, boolean)}, with the changes in key order, each key once. */
    static java.util.List<byte[][]> merge(
            java.util.List<byte[][]> base, java.util.Collection<Map.Entry<byte[], byte[]>> changes, boolean cleared) {
        java.util.List<byte[][]> out = new java.util.ArrayList<>(base.size() + changes.size());
        var it = changes.iterator();
        Map.Entry<byte[], byte[]> c = it.hasNext() ? it.next() : null;
        if (!cleared) {
            for (byte[][] e : base) {
                while (c != null && KEY_ORDER.compare(c.getKey(), e[0]) < 0) {
                    if (c.getValue() != null) out.add(new byte[][] {c.getKey(), c.getValue()});
                    c = it.hasNext() ? it.next() : null;
                }
                if (c != null && KEY_ORDER.compare(c.getKey(), e[0]) == 0) {
                    if (c.getValue() != null) out.add(new byte[][] {c.getKey(), c.getValue()});
                    c = it.hasNext() ? it.next() : null;
                } else {
                    out.add(e);
                }
            }
        }
        for (; c != null; c = it.hasNext() ? it.next() : null) {
            if (c.getValue() != null) out.add(new byte[][] {c.getKey(), c.getValue()});
        }
        return out;
    }

    /**
     * The bytes of a file with this file's entries and the given changes applied (a null value deletes;
     * with {@code clearStage} no stage entry of this file is kept), under {@code generation} and with
     * {@code cache} as its tree cache (null: none). Unchanged entries are copied from this file's bytes
     * run by run, so a change of one path among 100,000 costs two copies of the bytes, not 200,000
     * arrays ({@link #merge} and {@link #encode} of {@link #stageList}).
     */
    byte[] with(
            long generation,
            java.util.SortedMap<byte[], byte[]> stageChanges,
            boolean clearStage,
            java.util.SortedMap<byte[], byte[]> statChanges,
            byte[] cache) {
        return with(generation, stageChanges.entrySet(), clearStage, statChanges.entrySet(), cache);
    }

    /** As {@link #with(long, java.util.SortedMap, boolean, java.util.SortedMap, byte[])}, with each section's changes in key order, each key once. */
    byte[] with(
            long generation,
            java.util.Collection<Map.Entry<byte[], byte[]>> stageChanges,
            boolean clearStage,
            java.util.Collection<Map.Entry<byte[], byte[]>> statChanges,
            byte[] cache) {
        java.util.List<Object> stage = pieces(clearStage ? new int[0] : stageAt, stageChanges);
        java.util.List<Object> stat = pieces(statAt, statChanges);
        long size = HEADER + 4L + (cache == null ? 0 : 4L + cache.length);
        int stageCount = 0;
        int statCount = 0;
        for (Object o : stage) {
            size += length(o);
            stageCount += count(o);
        }
        for (Object o : stat) {
            size += length(o);
            statCount += count(o);
        }
        // the digest is set once the entries are in place
        ByteBuffer b = header(size, cache, generation, 0, stageCount, statCount);
        int stageStart = b.position();
        for (Object o : stage) putPiece(b, o);
        b.putLong(24, digestAt(b.array(), stageStart, stageCount));
        for (Object o : stat) putPiece(b, o);
        return trailer(b, cache);
    }

    /** A buffer of {@code size} bytes holding the header, positioned after it. */
    private static ByteBuffer header(
            long size, byte[] cache, long generation, long digest, int stageCount, int statCount) {
        if (size > Integer.MAX_VALUE - 16) throw new ForgeException("the stage is too large (" + size + " bytes)");
        return ByteBuffer.allocate((int) size)
                .order(ByteOrder.BIG_ENDIAN)
                .put(MAGIC)
                .putInt(cache == null ? 1 : 2)
                .putInt(0)
                .putLong(generation)
                .putLong(digest)
                .putInt(stageCount)
                .putInt(statCount);
    }

    /** Appends the tree-cache section (when there is one) and the checksum; the file's bytes. */
    private static byte[] trailer(ByteBuffer b, byte[] cache) {
        if (cache != null) b.putInt(cache.length).put(cache);
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, b.position());
        b.putInt((int) crc.getValue());
        return b.array();
    }

    /** A section's new content: runs of this file's entries and byte[][] {key, value} entries, in key order. */
    private java.util.List<Object> pieces(int[] at, java.util.Collection<Map.Entry<byte[], byte[]>> changes) {
        java.util.List<Object> out = new java.util.ArrayList<>();
        int i = 0;
        for (var c : changes) {
            byte[] k = c.getKey();
            int lo = i;
            int hi = at.length;
            while (lo < hi) { // the first entry at or after k
                int mid = (lo + hi) >>> 1;
                if (compareKey(at[mid], k) < 0) lo = mid + 1;
                else hi = mid;
            }
            if (lo > i) out.add(new Run(at, i, lo));
            if (lo < at.length && compareKey(at[lo], k) == 0) lo++;
            if (c.getValue() != null) out.add(new byte[][] {k, c.getValue()});
            i = lo;
        }
        if (i < at.length) out.add(new Run(at, i, at.length));
        return out;
    }

    /** Entries [from, to) of a section of this file, whose offsets are {@code at}. */
    private record Run(int[] at, int from, int to) {}

    private int end(int off) {
        int kl = Short.toUnsignedInt(buf.getShort(off));
        return off + 4 + kl + Short.toUnsignedInt(buf.getShort(off + 2 + kl));
    }

    private long length(Object o) {
        if (o instanceof Run r) return end(r.at()[r.to() - 1]) - r.at()[r.from()];
        byte[][] e = (byte[][]) o;
        return 4L + e[0].length + e[1].length;
    }

    private static int count(Object o) {
        return o instanceof Run r ? r.to() - r.from() : 1;
    }

    private void putPiece(ByteBuffer b, Object o) {
        if (o instanceof Run r) {
            int from = r.at()[r.from()];
            b.put(buf.slice(from, end(r.at()[r.to() - 1]) - from));
        } else {
            java.util.List<byte[][]> one = new java.util.ArrayList<>(1);
            one.add((byte[][]) o);
            put(b, one);
        }
    }

    /**
     * Changes of one section (a null value deletes), collected in the order they are made and put in key
     * order, the last change of a key winning, once they are all made: an add of 100,000 files makes
     * them in key order already, and then they are taken as they are instead of being inserted one by
     * one into a sorted map.
     */
    static final class Changes {
        private java.util.List<Map.Entry<byte[], byte[]>> list = new java.util.ArrayList<>();
        /** Whether {@link #list} is in strictly ascending key order. */
        private boolean ascending = true;

        void put(byte[] key, byte[] value) {
            if (ascending
                    && !list.isEmpty()
                    && KEY_ORDER.compare(list.get(list.size() - 1).getKey(), key) >= 0) ascending = false;
            list.add(new java.util.AbstractMap.SimpleImmutableEntry<>(key, value));
        }

        void clear() {
            list = new java.util.ArrayList<>();
            ascending = true;
        }

        boolean isEmpty() {
            return list.isEmpty();
        }

        /** The changes in key order, each key once (its last change). */
        java.util.Collection<Map.Entry<byte[], byte[]>> sorted() {
            if (ascending) return list;
            java.util.SortedMap<byte[], byte[]> m = new java.util.TreeMap<>(KEY_ORDER);
            for (Map.Entry<byte[], byte[]> e : list) m.put(e.getKey(), e.getValue());
            list = new java.util.ArrayList<>(m.entrySet().size());
            for (Map.Entry<byte[], byte[]> e : m.entrySet())
                list.add(new java.util.AbstractMap.SimpleImmutableEntry<>(e.getKey(), e.getValue()));
            ascending = true;
            return list;
        }
    }

    /** The stage digest recorded in the header of a file's {@code bytes} (as {@link #with} or {@link #encode} made them). */
    static long digestIn(byte[] bytes) {
        return ByteBuffer.wrap(bytes).getLong(24);
    }

    /** {@link #digestOf} of the {@code n} stage entries encoded in {@code a} from {@code off}. */
    private static long digestAt(byte[] a, int off, int n) {
        CRC32C keys = new CRC32C();
        CRC32C values = new CRC32C();
        for (int i = 0; i < n; i++) {
            int kl = (a[off] & 0xFF) << 8 | (a[off + 1] & 0xFF);
            keys.update(kl);
            keys.update(a, off + 2, kl);
            off += 2 + kl;
            int vl = (a[off] & 0xFF) << 8 | (a[off + 1] & 0xFF);
            values.update(vl);
            values.update(a, off + 2, vl);
            off += 2 + vl;
        }
        return combine(keys.getValue(), values.getValue(), n);
    }

    /**
     * The digest of a stage, as {@link dev.forge.core.port.MetadataStore#forEachStage} returns it: the
     * same formula over the same key and value bytes as the stage's RocksDB column family had, so a
     * stage moved from there into this file keeps the digest that {@code meta STAGE_TREE} names.
     */
    static long digestOf(java.util.List<byte[][]> stage) {
        CRC32C keys = new CRC32C();
        CRC32C values = new CRC32C();
        for (byte[][] e : stage) {
            keys.update(e[0].length);
            keys.update(e[0]);
            values.update(e[1].length);
            values.update(e[1]);
        }
        return combine(keys.getValue(), values.getValue(), stage.size());
    }

    static long combine(long keysCrc, long valuesCrc, long n) {
        return (keysCrc << 32 | valuesCrc) ^ n * 0x9E3779B97F4A7C15L;
    }

    /** The file's bytes for {@code stage} and {@code stat} (sorted by {@link #KEY_ORDER}), without a tree cache. */
    static byte[] encode(long generation, java.util.List<byte[][]> stage, java.util.List<byte[][]> stat) {
        return encode(generation, stage, stat, null);
    }

    /** The file's bytes, with the tree-cache section {@code cache} when it is not null (version 2). */
    static byte[] encode(long generation, java.util.List<byte[][]> stage, java.util.List<byte[][]> stat, byte[] cache) {
        long size = HEADER + 4L;
        for (byte[][] e : stage) size += 4 + e[0].length + e[1].length;
        for (byte[][] e : stat) size += 4 + e[0].length + e[1].length;
        if (cache != null) size += 4L + cache.length;
        ByteBuffer b = header(size, cache, generation, digestOf(stage), stage.size(), stat.size());
        put(b, stage);
        put(b, stat);
        return trailer(b, cache);
    }

    private static void put(ByteBuffer b, java.util.List<byte[][]> entries) {
        for (byte[][] e : entries) {
            byte[] k = e[0];
            byte[] v = e[1];
            if (k.length > 0xFFFF || v.length > 0xFFFF)
                throw new ForgeException(
                        "a path or stage value is too long for the stage file (" + k.length + " bytes)");
            b.putShort((short) k.length).put(k).putShort((short) v.length).put(v);
        }
    }

    /**
     * Reads and checks {@code file}; null when it does not exist. Throws IntegrityException when it is
     * not a whole, intact stage file of a version this build reads.
     */
    static StageFile read(Path file) {
        ByteBuffer b;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size > Integer.MAX_VALUE - 16) throw damaged(file, "it is " + size + " bytes long");
            if (MAP && size > 0) {
                b = ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
            } else {
                byte[] a = new byte[(int) size];
                ByteBuffer w = ByteBuffer.wrap(a);
                while (w.hasRemaining()) {
                    if (ch.read(w) < 0) throw damaged(file, "it ended while it was read");
                }
                b = ByteBuffer.wrap(a);
            }
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new ForgeException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return parse(file, b);
    }

    static StageFile parse(Path file, ByteBuffer b) {
        int size = b.limit();
        if (size < HEADER + 4) throw damaged(file, "it is too short (" + size + " bytes)");
        byte[] magic = new byte[MAGIC.length];
        b.get(0, magic);
        if (!Arrays.equals(magic, MAGIC)) throw damaged(file, "it does not start as a stage file does");
        CRC32C crc = new CRC32C();
        crc.update(b.slice(0, size - 4));
        if ((int) crc.getValue() != b.getInt(size - 4)) throw damaged(file, "its checksum does not match");
        int version = b.getInt(8);
        if (version < 1 || version > VERSION)
            throw new IntegrityException(file + " has version " + version + ", which this forge does not read"
                    + " (it reads version " + VERSION + "): use a newer forge");
        long generation = b.getLong(16);
        long digest = b.getLong(24);
        int stageCount = b.getInt(32);
        int statCount = b.getInt(36);
        if (stageCount < 0 || statCount < 0) throw damaged(file, "its entry counts are negative");
        int[] stageAt = new int[stageCount];
        int[] statAt = new int[statCount];
        int off = HEADER;
        int end = size - 4;
        off = index(file, b, off, end, stageAt);
        off = index(file, b, off, end, statAt);
        byte[] cache = null;
        if (version >= 2) {
            if (off + 4 > end) throw damaged(file, "it ends before its tree cache");
            int n = b.getInt(off);
            off += 4;
            if (n < 0 || n > end - off) throw damaged(file, "its tree cache runs past its end");
            cache = new byte[n];
            b.get(off, cache);
            off += n;
        }
        if (off != end) throw damaged(file, "it has " + (end - off) + " bytes after its last entry");
        return new StageFile(generation, digest, b, stageAt, statAt, cache);
    }

    private static int index(Path file, ByteBuffer b, int off, int end, int[] at) {
        for (int i = 0; i < at.length; i++) {
            if (off + 2 > end) throw damaged(file, "it ends inside an entry");
            at[i] = off;
            off += 2 + Short.toUnsignedInt(b.getShort(off));
            if (off + 2 > end) throw damaged(file, "it ends inside an entry");
            off += 2 + Short.toUnsignedInt(b.getShort(off));
            if (off > end) throw damaged(file, "it ends inside an entry");
        }
        return off;
    }

    private static IntegrityException damaged(Path file, String why) {
        return new IntegrityException("the stage file " + file + " is damaged (" + why
                + "); 'forge repair --index' rebuilds the stage from the operation log");
    }

    /** Writes {@code bytes} to {@code forgeDir/stage.new} and fsyncs it (not yet published). */
    static void writeNew(Path forgeDir, byte[] bytes) {
        Path tmp = forgeDir.resolve(NEW_FILE);
        try (FileChannel ch = FileChannel.open(
                tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) ch.write(b);
            ch.force(true);
        } catch (IOException e) {
            throw new ForgeException("cannot write " + tmp + ": " + e.getMessage(), e);
        }
    }

    /** Names of the files {@link #replace} writes before renaming them ({@code stage.tmp-RANDOM}). */
    static final String TMP_PREFIX = "stage.tmp-";

    /**
     * Writes {@code bytes} to a file of its own, fsyncs it and renames it over {@code stage}; false
     * (and nothing changed) when that fails. Only for a file with the generation and stage the index
     * already names (a stat-cache refresh).
     */
    static boolean replace(Path forgeDir, byte[] bytes) {
        Path tmp = forgeDir.resolve(TMP_PREFIX
                + Long.toHexString(
                        java.util.concurrent.ThreadLocalRandom.current().nextLong()));
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer b = ByteBuffer.wrap(bytes);
                while (b.hasRemaining()) ch.write(b);
                ch.force(true);
            }
            Files.move(
                    tmp, forgeDir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            FileSync.directory(forgeDir);
            return true;
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // a leftover the next writer's sweep removes
            }
            return false;
        }
    }

    /** Removes what a killed {@link #replace} left (only where no reader can be writing one). */
    static void sweep(Path forgeDir) {
        try (java.nio.file.DirectoryStream<Path> ds = Files.newDirectoryStream(forgeDir, TMP_PREFIX + "*")) {
            for (Path p : ds) Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // leftovers waste space but never harm correctness
        }
    }

    /** Renames {@code stage.new} over {@code stage} (once the index names its generation). */
    static void publish(Path forgeDir) {
        try {
            Files.move(
                    forgeDir.resolve(NEW_FILE),
                    forgeDir.resolve(FILE),
                    StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
            FileSync.directory(forgeDir);
        } catch (IOException e) {
            // The index already names the new generation and stage.new holds it: the next open reads
            // it from there (and renames it), so the change is committed either way.
        }
    }
}
