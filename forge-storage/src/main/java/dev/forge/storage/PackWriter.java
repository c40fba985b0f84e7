package dev.forge.storage;

import dev.forge.core.codec.Codec;
import dev.forge.core.error.ForgeException;
import dev.forge.core.io.DirectWriter;
import dev.forge.core.model.ObjectId;
import dev.forge.core.model.ObjectType;
import dev.forge.core.port.ObjectWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;
import org.rocksdb.WriteBatch;

/**
 * Appends records to one pack file for one thread, through {@link DirectWriter} (O_DIRECT, writes
 * overlapped with the caller's chunking and hashing). The file grows under {@code .forge/tmp/} and is
 * published by {@link #flush}: trailer written, file fsynced, renamed into {@code packs/}, directory
 * fsynced, and only then one synced RocksDB batch makes its index entries visible (the crash rule in
 * ARCHITECTURE.md). A crash before that leaves a file in tmp/ that nothing references.
 */
final class PackWriter implements ObjectWriter {
    private static final int BUFFER_SIZE = 4 << 20;
    private static final int BUFFERS = 3;

    private final RocksObjectStore store;
    private final long targetPackSize;
    private DirectWriter.Buffers buffers;
    private final byte[] header = new byte[PackFormat.RECORD_HEADER_SIZE];
    private final CRC32C recordCrc = new CRC32C();
    private final CRC32C areaCrc = new CRC32C();
    private final List<ObjectId> claimed = new ArrayList<>();
    private final List<IndexCodec.Location> locations = new ArrayList<>();

    private DirectWriter channel;
    private Path tmpFile;
    private int packNo;
    private long position;
    private boolean closed;

    /** True for gc's repacking: objects are indexed already and are written again on purpose. */
    private final boolean rewrite;

    PackWriter(RocksObjectStore store, long targetPackSize) {
        this(store, targetPackSize, false);
    }

    PackWriter(RocksObjectStore store, long targetPackSize, boolean rewrite) {
        this.store = store;
        this.targetPackSize = targetPackSize;
        this.rewrite = rewrite;
    }

    @Override
    public boolean put(ObjectId id, ObjectType type, Codec codec, int rawLength, byte[] payload, int off, int len) {
        return write(id, type, codec, rawLength, payload, off, len, false, 0);
    }

    /** The local record layout is the remote one (PackLayout), so a fetched record's CRC is this record's. */
    @Override
    public boolean putVerified(
            ObjectId id, ObjectType type, Codec codec, int rawLength, byte[] payload, int off, int len, int recordCrc) {
        return write(id, type, codec, rawLength, payload, off, len, true, recordCrc);
    }

    private boolean write(
            ObjectId id,
            ObjectType type,
            Codec codec,
            int rawLength,
            byte[] payload,
            int off,
            int len,
            boolean crcKnown,
            int knownCrc) {
        if (closed) throw new IllegalStateException("writer is closed");
        if (!rewrite && !store.claim(id)) return false;
        try {
            if (channel == null) begin();
            header[0] = (byte) PackFormat.RECORD_MAGIC;
            header[1] = (byte) type.code();
            header[2] = (byte) codec.code();
            header[3] = 0;
            id.copyTo(header, 4);
            PackFormat.putInt(header, 36, rawLength);
            PackFormat.putInt(header, 40, len);
            int crc = knownCrc;
            if (!crcKnown) {
                recordCrc.reset();
                recordCrc.update(header, 0, PackFormat.RECORD_CRC_OFFSET);
                recordCrc.update(payload, off, len);
                crc = (int) recordCrc.getValue();
            }
            PackFormat.putInt(header, PackFormat.RECORD_CRC_OFFSET, crc);
            long offset = position;
            append(header, 0, header.length);
            append(payload, off, len);
            claimed.add(id);
            locations.add(new IndexCodec.Location(packNo, offset, len, rawLength, codec, type));
        } catch (IOException e) {
            store.release(id);
            throw new ForgeException("cannot write pack " + tmpFile + ": " + e.getMessage(), e);
        }
        if (position >= targetPackSize) flush();
        return true;
    }

    private void begin() throws IOException {
        packNo = store.allocatePackNumber();
        tmpFile = Files.createTempFile(store.tmpDir(), "pack-", ".part");
        if (buffers == null) buffers = DirectWriter.Buffers.acquire(BUFFERS, BUFFER_SIZE);
        channel = DirectWriter.open(tmpFile, targetPackSize, buffers);
        position = 0;
        areaCrc.reset();
        append(PackFormat.header(), 0, PackFormat.HEADER_SIZE);
    }

    private void append(byte[] b, int off, int len) throws IOException {
        if (position >= PackFormat.HEADER_SIZE) areaCrc.update(b, off, len);
        position += len;
        channel.write(b, off, len);
    }

    @Override
    public void flush() {
        if (channel == null) return;
        String name = null;
        try {
            int records = locations.size();
            byte[] trailer = new byte[PackFormat.TRAILER_SIZE];
            System.arraycopy(PackFormat.TRAILER_MAGIC, 0, trailer, 0, 8);
            PackFormat.putInt(trailer, 8, PackFormat.VERSION);
            PackFormat.putInt(trailer, 12, records);
            PackFormat.putLong(trailer, 16, position - PackFormat.HEADER_SIZE);
            PackFormat.putInt(trailer, 24, (int) areaCrc.getValue());
            CRC32C c = new CRC32C();
            c.update(trailer, 0, 28);
            PackFormat.putInt(trailer, 28, (int) c.getValue());
            append(trailer, 0, trailer.length);
            DirectWriter w = channel;
            channel = null;
            try {
                w.finish(true);
            } catch (IOException | RuntimeException e) {
                Files.deleteIfExists(tmpFile);
                throw e;
            }
            name = store.newPackFileName();
            Path published = store.packDir().resolve(name);
            Files.move(tmpFile, published, StandardCopyOption.ATOMIC_MOVE);
            FileSync.directory(store.packDir());
            try (WriteBatch batch = new WriteBatch()) {
                batch.put(
                        store.index().packs,
                        RocksObjectStore.packKey(packNo),
                        IndexCodec.encodePack(new IndexCodec.PackInfo(name, position, records)));
                for (int i = 0; i < records; i++) {
                    batch.put(
                            store.index().objects,
                            claimed.get(i).toBytes(),
                            IndexCodec.encodeLocation(locations.get(i)));
                }
                store.index().write(batch);
            } catch (org.rocksdb.RocksDBException e) {
                throw RocksIndex.failure("write", e);
            }
            store.packPublished(packNo, name);
        } catch (IOException e) {
            throw new ForgeException(
                    "cannot publish pack " + (name != null ? name : tmpFile) + ": " + e.getMessage(), e);
        } finally {
            for (ObjectId id : claimed) store.release(id);
            claimed.clear();
            locations.clear();
        }
    }

    @Override
    public void close() {
        if (closed) return;
        try {
            flush();
        } finally {
            closed = true;
            abandon();
            if (buffers != null) {
                buffers.release();
                buffers = null;
            }
        }
    }

    /** Drops an unpublished pack (after a failure): its ids were never visible. */
    private void abandon() {
        if (channel != null) {
            try {
                channel.close();
                Files.deleteIfExists(tmpFile);
            } catch (IOException ignored) {
                // tmp/ is swept on the next open; nothing points at this file.
            }
            channel = null;
            for (ObjectId id : claimed) store.release(id);
            claimed.clear();
            locations.clear();
        }
    }
}
