package dev.forge.storage;

import dev.forge.core.codec.ChunkDecoder;
import dev.forge.core.codec.CorruptPayloadException;
import dev.forge.core.error.ForgeException;
import dev.forge.core.error.IntegrityException;
import dev.forge.core.error.NotFoundException;
import dev.forge.core.hash.Blake3;
import dev.forge.core.hash.Blake3Hasher;
import dev.forge.core.model.ObjectId;
import dev.forge.core.model.ObjectLimits;
import dev.forge.core.port.ObjectStore;
import dev.forge.core.port.ObjectWriter;
import dev.forge.core.port.StoredObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.zip.CRC32C;
import org.rocksdb.RocksIterator;

/**
 * Objects in pack files, located through the RocksDB {@code objects} family. Reads are positional
 * (thread-safe, no shared file pointer) and verified twice: the record CRC before decoding, the
 * BLAKE3 id after. A record that fails either check is remembered in {@link DamagedRecords}; such a
 * record, or one that lies past the end of its (truncated) pack, never satisfies deduplication: a
 * writer given its id stores it again, and the new record replaces it in the index.
 */
final class RocksObjectStore implements ObjectStore {
    static final long DEFAULT_TARGET_PACK_SIZE = 256L << 20;

    private final RocksIndex index;
    private final Path packDir;
    private final Path tmpDir;
    private final int maxChunk;
    private final Set<ObjectId> pending = ConcurrentHashMap.newKeySet();
    /**
     * Open pack files, least recently used first; at most {@link #MAX_OPEN_PACKS}, so a repository
     * with many packs does not need a descriptor per pack. A channel closed by eviction while another
     * thread reads from it makes that read reopen the pack and try again.
     */
    private final java.util.LinkedHashMap<Integer, FileChannel> channels =
            new java.util.LinkedHashMap<>(16, 0.75f, true);

    static final int MAX_OPEN_PACKS = 48;
    private final Map<Integer, String> packNames = new ConcurrentHashMap<>();
    /** Pack file sizes on disk (packs never change once published; -1: missing). */
    private final Map<Integer, Long> packSizes = new ConcurrentHashMap<>();

    private final DamagedRecords damaged;
    private final AtomicInteger nextPack;
    private final ThreadLocal<Blake3Hasher> hashers = ThreadLocal.withInitial(Blake3::newHasher);
    private final ThreadLocal<ChunkDecoder> decoders = ThreadLocal.withInitial(ChunkDecoder::new);

    /** A store whose damaged records are remembered in {@code .forge/damaged} beside {@code packDir}. */
    RocksObjectStore(RocksIndex index, Path packDir, Path tmpDir, int maxChunk) {
        this(
                index,
                packDir,
                tmpDir,
                maxChunk,
                new DamagedRecords(packDir.toAbsolutePath().getParent()));
    }

    RocksObjectStore(RocksIndex index, Path packDir, Path tmpDir, int maxChunk, DamagedRecords damaged) {
        this.index = index;
        this.packDir = packDir;
        this.tmpDir = tmpDir;
        this.maxChunk = maxChunk;
        this.damaged = damaged;
        int last = -1;
        try (RocksIterator it = index.db.newIterator(index.packs)) {
            it.seekToLast();
            if (it.isValid()) last = PackFormat.getInt(it.key(), 0);
            RocksIndex.check(it);
        }
        this.nextPack = new AtomicInteger(last + 1);
    }

    RocksIndex index() {
        return index;
    }

    Path packDir() {
        return packDir;
    }

    Path tmpDir() {
        return tmpDir;
    }

    static byte[] packKey(int packNo) {
        byte[] k = new byte[4];
        PackFormat.putInt(k, 0, packNo);
        return k;
    }

    /**
     * Seeded on first use: creating a SecureRandom reads the entropy source and initialises the
     * provider, about 7 ms of every command's start-up, and most commands (status, log, diff) never
     * write a pack.
     */
    private static final class Random {
        static final SecureRandom INSTANCE = new SecureRandom();
    }

    int allocatePackNumber() {
        return nextPack.getAndIncrement();
    }

    String newPackFileName() {
        byte[] r = new byte[16];
        Random.INSTANCE.nextBytes(r);
        return HexFormat.of().formatHex(r) + PackFormat.PACK_SUFFIX;
    }

    void packPublished(int packNo, String name) {
        packNames.put(packNo, name);
        publishedAny = true;
    }

    private volatile boolean publishedAny;

    /** Whether this session published a pack (then it checks, at close, whether small packs piled up). */
    boolean publishedAny() {
        return publishedAny;
    }

    DamagedRecords damaged() {
        return damaged;
    }

    /** Reserves {@code id} for one writer; false when it is stored intact or reserved already. */
    boolean claim(ObjectId id) {
        return !indexedIntact(id) && pending.add(id);
    }

    void release(ObjectId id) {
        pending.remove(id);
    }

    private boolean indexed(ObjectId id) {
        return index.get(index.objects, id.toBytes()) != null;
    }

    @Override
    public boolean contains(ObjectId id) {
        return pending.contains(id) || indexed(id);
    }

    @Override
    public boolean containsIntact(ObjectId id) {
        return pending.contains(id) || indexedIntact(id);
    }

    private boolean indexedIntact(ObjectId id) {
        byte[] v = index.get(index.objects, id.toBytes());
        if (v == null) return false;
        try {
            return intact(id, IndexCodec.decodeLocation(id, v));
        } catch (IntegrityException e) {
            return false;
        }
    }

    /**
     * Whether the record is not known to be damaged: not in {@link DamagedRecords}, and whole within
     * its pack file as it is on disk (a pack cut short loses the records past its new end).
     */
    private boolean intact(ObjectId id, IndexCodec.Location l) {
        String pack = packName(l.pack());
        if (damaged.mentions(id) && damaged.contains(id, pack, l.offset())) return false;
        return l.offset() >= PackFormat.HEADER_SIZE
                && l.storedLength() >= 0
                && l.offset() + PackFormat.RECORD_HEADER_SIZE + (long) l.storedLength() <= packSize(l.pack(), pack);
    }

    private long packSize(int packNo, String name) {
        return packSizes.computeIfAbsent(packNo, n -> {
            try {
                return java.nio.file.Files.size(packDir.resolve(name));
            } catch (IOException e) {
                return -1L;
            }
        });
    }

    @Override
    public Set<ObjectId> knownDamaged() {
        Set<ObjectId> out = new java.util.HashSet<>();
        for (DamagedRecords.Entry e : damaged.all()) {
            byte[] v = index.get(index.objects, e.id().toBytes());
            if (v == null) continue;
            try {
                IndexCodec.Location l = IndexCodec.decodeLocation(e.id(), v);
                if (l.offset() == e.offset() && packName(l.pack()).equals(e.pack())) out.add(e.id());
            } catch (IntegrityException x) {
                out.add(e.id());
            }
        }
        Map<Integer, Long> cut = truncatedPacks();
        if (!cut.isEmpty()) {
            try (RocksIterator it = index.db.newIterator(index.objects)) {
                for (it.seekToFirst(); it.isValid(); it.next()) {
                    ObjectId id = ObjectId.of(it.key());
                    try {
                        IndexCodec.Location l = IndexCodec.decodeLocation(id, it.value());
                        Long size = cut.get(l.pack());
                        if (size != null && l.offset() + PackFormat.RECORD_HEADER_SIZE + (long) l.storedLength() > size)
                            out.add(id);
                    } catch (IntegrityException x) {
                        out.add(id);
                    }
                }
            }
        }
        return out;
    }

    /** Packs whose file is shorter than the pack list says (or missing: -1), with their size on disk. */
    Map<Integer, Long> truncatedPacks() {
        Map<Integer, Long> out = new java.util.HashMap<>();
        try (RocksIterator it = index.db.newIterator(index.packs)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                int no = PackFormat.getInt(it.key(), 0);
                try {
                    IndexCodec.PackInfo p = IndexCodec.decodePack(it.value());
                    long size = packSize(no, p.fileName());
                    if (size < p.size()) out.put(no, size);
                } catch (IntegrityException e) {
                    out.put(no, -1L);
                }
            }
        }
        return out;
    }

    @Override
    public Optional<StoredObject> stat(ObjectId id) {
        byte[] v = index.get(index.objects, id.toBytes());
        if (v == null) return Optional.empty();
        IndexCodec.Location l = IndexCodec.decodeLocation(id, v);
        return Optional.of(toStored(id, l));
    }

    private StoredObject toStored(ObjectId id, IndexCodec.Location l) {
        return new StoredObject(
                id, l.type(), l.codec(), l.rawLength(), l.storedLength(), packName(l.pack()), l.offset());
    }

    String packName(int packNo) {
        return packNames.computeIfAbsent(packNo, n -> {
            byte[] v = index.get(index.packs, packKey(n));
            if (v == null)
                throw new IntegrityException("the index names pack #" + n + ", which the pack list does not have");
            return IndexCodec.decodePack(v).fileName();
        });
    }

    @Override
    public byte[] read(ObjectId id) {
        byte[] v = index.get(index.objects, id.toBytes());
        if (v == null) throw new NotFoundException("object " + id.shortHex() + " is not in this repository");
        IndexCodec.Location l = IndexCodec.decodeLocation(id, v);
        try {
            return readRecord(id, l);
        } catch (IntegrityException e) {
            throw remember(id, l, e);
        }
    }

    @Override
    public StoredRecord readStored(ObjectId id) {
        byte[] v = index.get(index.objects, id.toBytes());
        if (v == null) throw new NotFoundException("object " + id.shortHex() + " is not in this repository");
        IndexCodec.Location l = IndexCodec.decodeLocation(id, v);
        try {
            byte[] rec = readRecordBytes(id, l);
            verifyRecord(id, l, rec, "pack " + packName(l.pack()) + " at offset " + l.offset());
            byte[] payload = java.util.Arrays.copyOfRange(rec, PackFormat.RECORD_HEADER_SIZE, rec.length);
            return new StoredRecord(id, l.type(), l.codec(), l.rawLength(), payload);
        } catch (IntegrityException e) {
            throw remember(id, l, e);
        }
    }

    /** Notes the record as damaged (when its pack is known), so that deduplication stops trusting it. */
    private IntegrityException remember(ObjectId id, IndexCodec.Location l, IntegrityException e) {
        String pack = packNames.get(l.pack());
        if (pack != null) damaged.add(id, pack, l.offset());
        return e;
    }

    private byte[] readRecord(ObjectId id, IndexCodec.Location l) {
        byte[] rec = readRecordBytes(id, l);
        return verifyRecord(id, l, rec, "pack " + packName(l.pack()) + " at offset " + l.offset());
    }

    private byte[] readRecordBytes(ObjectId id, IndexCodec.Location l) {
        byte[] rec = new byte[recordSize(id, l)];
        readRecordInto(id, l, ByteBuffer.wrap(rec));
        return rec;
    }

    /** Header plus payload, once the index entry's lengths are known to be possible. */
    private int recordSize(ObjectId id, IndexCodec.Location l) {
        String why = ObjectLimits.impossibleU32(l.type(), l.codec(), l.rawLength(), l.storedLength());
        if (why != null) {
            throw new IntegrityException("index entry for " + id.shortHex() + " has impossible lengths (" + why
                    + "; pack " + packName(l.pack()) + " at offset " + l.offset() + ")");
        }
        return PackFormat.RECORD_HEADER_SIZE + l.storedLength();
    }

    /** Fills {@code dst} (position to limit) with the record's bytes. */
    private void readRecordInto(ObjectId id, IndexCodec.Location l, ByteBuffer dst) {
        String pack = packName(l.pack());
        int start = dst.position();
        for (int attempt = 0; ; attempt++) {
            try {
                FileChannel ch = channel(l.pack(), pack);
                long pos = l.offset() + (dst.position() - start);
                while (dst.hasRemaining()) {
                    int n = ch.read(dst, pos);
                    if (n < 0) {
                        throw new IntegrityException("object " + id.shortHex() + ": pack " + pack + " at offset "
                                + l.offset() + " is past the end of the file (truncated pack)");
                    }
                    pos += n;
                }
                return;
            } catch (java.nio.channels.ClosedByInterruptException e) {
                throw new ForgeException("interrupted while reading pack " + pack, e);
            } catch (java.nio.channels.ClosedChannelException e) {
                // evicted by another thread meanwhile: reopen (positional reads lose nothing)
                if (attempt >= 8) throw new ForgeException("cannot keep pack " + pack + " open", e);
            } catch (IOException e) {
                throw new ForgeException(
                        "cannot read pack " + pack + " at offset " + l.offset() + ": " + e.getMessage(), e);
            }
        }
    }

    /** Checks a record read from disk and returns its decoded, re-hashed raw bytes. */
    byte[] verifyRecord(ObjectId id, IndexCodec.Location l, byte[] rec, String where) {
        String why = ObjectLimits.impossibleU32(l.type(), l.codec(), l.rawLength(), l.storedLength());
        if (why != null)
            throw new IntegrityException("damaged record in " + where + " for object " + id.shortHex() + ": " + why);
        checkRecord(id, l, ByteBuffer.wrap(rec), where);
        byte[] raw;
        try {
            raw = decoders.get().decode(l.codec(), rec, PackFormat.RECORD_HEADER_SIZE, l.storedLength(), l.rawLength());
        } catch (CorruptPayloadException e) {
            throw damagedPayload(id, where, e);
        }
        checkHash(id, hashers.get().hash(l.type(), raw, 0, raw.length), where);
        return raw;
    }

    /** The record's marker, checksum and header fields against the index entry (not yet its hash). */
    private static void checkRecord(ObjectId id, IndexCodec.Location l, ByteBuffer rec, String where) {
        if ((rec.get(0) & 0xFF) != PackFormat.RECORD_MAGIC) {
            throw new IntegrityException("damaged record in " + where + ": bad record marker");
        }
        CRC32C crc = new CRC32C();
        crc.update(rec.slice(0, PackFormat.RECORD_CRC_OFFSET));
        crc.update(rec.slice(PackFormat.RECORD_HEADER_SIZE, rec.limit() - PackFormat.RECORD_HEADER_SIZE));
        ByteBuffer h = rec.duplicate().order(java.nio.ByteOrder.BIG_ENDIAN); // PackFormat's byte order
        if ((int) crc.getValue() != h.getInt(PackFormat.RECORD_CRC_OFFSET)) {
            throw new IntegrityException(
                    "damaged record in " + where + " (checksum mismatch) for object " + id.shortHex());
        }
        byte[] recId = new byte[32];
        rec.get(4, recId);
        if (!ObjectId.of(recId).equals(id)
                || h.getInt(36) != l.rawLength()
                || h.getInt(40) != l.storedLength()
                || (rec.get(1) & 0xFF) != l.type().code()
                || (rec.get(2) & 0xFF) != l.codec().code()) {
            throw new IntegrityException("index entry for " + id.shortHex() + " does not match the record in " + where);
        }
    }

    private static IntegrityException damagedPayload(ObjectId id, String where, CorruptPayloadException e) {
        return new IntegrityException(
                "damaged payload in " + where + " for object " + id.shortHex() + ": " + e.getMessage());
    }

    private static void checkHash(ObjectId id, ObjectId actual, String where) {
        if (!actual.equals(id)) {
            throw new IntegrityException(
                    "object " + id.shortHex() + " in " + where + " hashes to " + actual.shortHex() + " (damaged data)");
        }
    }

    /** One thread's reusable read buffers for {@link #readChunk}. */
    private static final class Scratch {
        ByteBuffer record = ByteBuffer.allocateDirect(0);
        byte[] stored = new byte[0];
        byte[] raw = new byte[0];
    }

    private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(Scratch::new);

    @Override
    public ByteBuffer readChunk(ObjectId id) {
        byte[] v = index.get(index.objects, id.toBytes());
        if (v == null) throw new NotFoundException("object " + id.shortHex() + " is not in this repository");
        IndexCodec.Location l = IndexCodec.decodeLocation(id, v);
        try {
            ByteBuffer b = readChunk(id, l);
            used(l.pack());
            return b;
        } catch (IntegrityException e) {
            throw remember(id, l, e);
        }
    }

    /** Packs this process has marked as used (see {@link #used}). */
    private final java.util.Set<Integer> usedPacks = ConcurrentHashMap.newKeySet();

    /**
     * Marks a pack as used now by setting its file's modification time, once per process: checkout,
     * show and diff read contents through {@link #readChunk}, and {@code store.maxSize} evicts from the
     * packs used longest ago first. Packs are immutable and named by content, so the time is free to
     * carry this; fsck and gc read through other paths and do not count as use. Best effort: a
     * read-only or full disk only loses the ordering.
     */
    private void used(int packNo) {
        if (!usedPacks.add(packNo)) return;
        try {
            java.nio.file.Files.setLastModifiedTime(
                    packDir.resolve(packName(packNo)),
                    java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis()));
        } catch (IOException | RuntimeException e) {
            // ordering only
        }
    }

    private ByteBuffer readChunk(ObjectId id, IndexCodec.Location l) {
        if (l.type() != dev.forge.core.model.ObjectType.CHUNK)
            return ByteBuffer.wrap(readRecord(id, l)).asReadOnlyBuffer();
        int size = recordSize(id, l);
        Scratch s = scratch.get();
        if (s.record.capacity() < size)
            s.record = ByteBuffer.allocateDirect(Math.max(size, PackFormat.RECORD_HEADER_SIZE + maxChunk));
        ByteBuffer rec = s.record.clear().limit(size);
        readRecordInto(id, l, rec);
        rec.flip();
        String where = "pack " + packName(l.pack()) + " at offset " + l.offset();
        checkRecord(id, l, rec, where);
        ByteBuffer raw;
        if (l.codec() == dev.forge.core.codec.Codec.RAW) {
            if (l.storedLength() != l.rawLength()) {
                throw damagedPayload(
                        id,
                        where,
                        new CorruptPayloadException(
                                "RAW payload is " + l.storedLength() + " bytes, expected " + l.rawLength()));
            }
            raw = rec.slice(PackFormat.RECORD_HEADER_SIZE, l.storedLength());
        } else {
            if (s.stored.length < l.storedLength()) s.stored = new byte[Math.max(l.storedLength(), maxChunk)];
            if (s.raw.length < l.rawLength()) s.raw = new byte[Math.max(l.rawLength(), maxChunk)];
            rec.get(PackFormat.RECORD_HEADER_SIZE, s.stored, 0, l.storedLength());
            try {
                decoders.get().decodeInto(l.codec(), s.stored, 0, l.storedLength(), s.raw, 0, l.rawLength());
            } catch (CorruptPayloadException e) {
                throw damagedPayload(id, where, e);
            }
            raw = ByteBuffer.wrap(s.raw, 0, l.rawLength()).slice();
        }
        checkHash(id, hashers.get().hash(raw), where);
        return raw.asReadOnlyBuffer();
    }

    private FileChannel channel(int packNo, String name) throws IOException {
        synchronized (channels) {
            FileChannel ch = channels.get(packNo);
            if (ch != null && ch.isOpen()) return ch;
            Path p = packDir.resolve(name);
            if (!java.nio.file.Files.exists(p))
                throw new IntegrityException("pack " + name + " is missing from " + packDir);
            ch = FileChannel.open(p, StandardOpenOption.READ);
            channels.put(packNo, ch);
            if (channels.size() > MAX_OPEN_PACKS) {
                var eldest = channels.entrySet().iterator().next();
                channels.remove(eldest.getKey());
                closeQuietly(eldest.getValue());
            }
            return ch;
        }
    }

    /** Open pack files now (tests of the bound). */
    int openPacks() {
        synchronized (channels) {
            return channels.size();
        }
    }

    /** Closes and forgets pack {@code packNo} (about to be deleted). */
    void forget(int packNo) {
        synchronized (channels) {
            FileChannel ch = channels.remove(packNo);
            if (ch != null) closeQuietly(ch);
        }
        packNames.remove(packNo);
        packSizes.remove(packNo);
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // read-only channels: nothing to lose
        }
    }

    /** Set for a store opened read-only: every writer is refused with this message. */
    private volatile String writeRefusal;

    void refuseWrites(dev.forge.core.error.ReadOnlyRepositoryException why) {
        writeRefusal = why.getMessage();
        damaged.inMemoryOnly();
    }

    @Override
    public ObjectWriter newWriter() {
        if (writeRefusal != null) throw new dev.forge.core.error.ReadOnlyRepositoryException(writeRefusal);
        return new PackWriter(this, DEFAULT_TARGET_PACK_SIZE);
    }

    @Override
    public java.util.List<StoredObject> findByHexPrefix(String hexPrefix, int limit) {
        String even = hexPrefix.substring(0, hexPrefix.length() & ~1);
        byte[] prefix = HexFormat.of().parseHex(even);
        java.util.List<StoredObject> out = new java.util.ArrayList<>();
        try (RocksIterator it = index.db.newIterator(index.objects)) {
            for (it.seek(prefix); it.isValid() && out.size() < limit; it.next()) {
                byte[] k = it.key();
                if (!java.util.Arrays.equals(k, 0, prefix.length, prefix, 0, prefix.length)) break;
                ObjectId id = ObjectId.of(k);
                if (id.hex().startsWith(hexPrefix)) out.add(toStored(id, IndexCodec.decodeLocation(id, it.value())));
            }
            RocksIndex.check(it);
        }
        return out;
    }

    @Override
    public void forEach(Consumer<StoredObject> action) {
        try (RocksIterator it = index.db.newIterator(index.objects)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                ObjectId id = ObjectId.of(it.key());
                action.accept(toStored(id, IndexCodec.decodeLocation(id, it.value())));
            }
            RocksIndex.check(it);
        }
    }

    void close() {
        synchronized (channels) {
            for (FileChannel ch : channels.values()) closeQuietly(ch);
            channels.clear();
        }
        packSizes.clear();
    }
}
