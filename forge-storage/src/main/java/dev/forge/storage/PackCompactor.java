package dev.forge.storage;

import dev.forge.core.error.ForgeException;
import dev.forge.core.model.ObjectId;
import dev.forge.core.port.ObjectStore.StoredRecord;
import dev.forge.core.port.ProgressListener;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;

/**
 * Merges small packs into few large ones, so that the number of pack files (and of descriptors a
 * command may need) does not grow with the number of commands: every add and commit publishes packs
 * of its own, most of them a few kilobytes.
 *
 * <p>Every record an index entry points at is copied (stored bytes, no recompression; liveness is
 * gc's business) into new packs, which are published and indexed like any pack; then one synced batch
 * deletes the old packs' list entries, and then their files are deleted. A crash in between leaves
 * listed packs no entry points at, or unlisted files: both are deleted by the next gc (or merge).
 *
 * <p>Run by gc for every pack under {@link #GC_SMALL}, and at the end of a writing session that
 * published a pack, when at least {@link #AUTO_TRIGGER} packs are under {@link #AUTO_SMALL} (a scan
 * of the pack list, tens of entries: cheap next to the session).
 */
final class PackCompactor {
    /** gc merges every pack smaller than this (when there are at least two). */
    static final long GC_SMALL = 16L << 20;
    /** A writing session merges packs smaller than this ... */
    static final long AUTO_SMALL = 4L << 20;
    /** ... once there are this many of them. */
    static final int AUTO_TRIGGER = 32;

    private final RocksIndex index;
    private final RocksObjectStore objects;

    PackCompactor(RocksIndex index, RocksObjectStore objects) {
        this.index = index;
        this.objects = objects;
    }

    private record At(long offset, ObjectId id) {}

    /** What a merge did: pack files before and after. */
    record Result(long packsBefore, long packsAfter, long packsMerged) {}

    /**
     * Merges the packs smaller than {@code smallBelow} when there are at least {@code minPacks} of them
     * and the device has room for a copy of them; otherwise changes nothing.
     */
    Result run(long smallBelow, int minPacks, ProgressListener progress) {
        Map<Integer, IndexCodec.PackInfo> small = new HashMap<>();
        long packs = 0;
        long smallBytes = 0;
        try (RocksIterator it = index.db.newIterator(index.packs)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                packs++;
                IndexCodec.PackInfo p = IndexCodec.decodePack(it.value());
                if (p.size() < smallBelow) {
                    small.put(PackFormat.getInt(it.key(), 0), p);
                    smallBytes += p.size();
                }
            }
            RocksIndex.check(it);
        }
        if (small.size() < Math.max(2, minPacks) || !roomFor(smallBytes)) return new Result(packs, packs, 0);

        // Which records of each small pack the index points at: found from the packs themselves (a read of
        // each record header and one index lookup per record), not from a scan of the whole index, which
        // for a large repository would cost seconds at the end of a command.
        Map<Integer, List<At>> records = new HashMap<>();
        for (var e : small.entrySet()) {
            List<At> indexed = indexedRecords(e.getKey(), e.getValue());
            if (indexed != null) records.put(e.getKey(), indexed);
        }
        small.keySet().retainAll(records.keySet()); // a pack that does not frame cleanly stays as it is
        if (small.size() < Math.max(2, minPacks)) return new Result(packs, packs, 0);
        List<Integer> order = new ArrayList<>(small.keySet());
        order.sort(Comparator.naturalOrder());
        progress.begin("Merging packs", smallBytes, "B");
        long before = packs;
        try (PackWriter w = new PackWriter(objects, RocksObjectStore.DEFAULT_TARGET_PACK_SIZE, true)) {
            for (int p : order) {
                for (At a : records.get(p)) { // in file order: one forward pass over the old pack
                    StoredRecord r = objects.readStored(a.id());
                    w.put(a.id(), r.type(), r.codec(), r.rawLength(), r.payload(), 0, r.payload().length);
                }
                progress.advance(small.get(p).size());
            }
        } finally {
            progress.end();
        }
        // Every record of the small packs is now indexed in the new ones.
        try (WriteBatch batch = new WriteBatch()) {
            for (int p : order) batch.delete(index.packs, RocksObjectStore.packKey(p));
            index.write(batch);
        } catch (RocksDBException e) {
            throw RocksIndex.failure("write", e);
        }
        try {
            for (int p : order) {
                objects.forget(p);
                Files.deleteIfExists(objects.packDir().resolve(small.get(p).fileName()));
            }
            FileSync.directory(objects.packDir());
        } catch (IOException e) {
            throw new ForgeException("cannot delete merged packs: " + e.getMessage(), e);
        }
        long after = 0;
        try (RocksIterator it = index.db.newIterator(index.packs)) {
            for (it.seekToFirst(); it.isValid(); it.next()) after++;
            RocksIndex.check(it);
        }
        return new Result(before, after, order.size());
    }

    /**
     * The records of pack {@code packNo} that index entries point at, in file order; null when the pack
     * does not frame from its header to its trailer (damage: left for fsck and the user, never merged
     * away), or holds fewer records than its pack-list entry says.
     */
    private List<At> indexedRecords(int packNo, IndexCodec.PackInfo info) {
        Path file = objects.packDir().resolve(info.fileName());
        List<At> out = new ArrayList<>();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            long end = size - PackFormat.TRAILER_SIZE;
            ByteBuffer h = ByteBuffer.allocate(PackFormat.RECORD_HEADER_SIZE);
            long pos = PackFormat.HEADER_SIZE;
            int count = 0;
            while (pos < end) {
                h.clear();
                while (h.hasRemaining()) {
                    if (ch.read(h, pos + h.position()) < 0) return null;
                }
                byte[] rh = h.array();
                int stored = PackFormat.getInt(rh, 40);
                if ((rh[0] & 0xFF) != PackFormat.RECORD_MAGIC
                        || stored < 0
                        || stored > end - pos - PackFormat.RECORD_HEADER_SIZE) return null;
                ObjectId id = ObjectId.of(rh, 4);
                byte[] v = index.get(index.objects, id.toBytes());
                if (v != null) {
                    IndexCodec.Location l = IndexCodec.decodeLocation(id, v);
                    if (l.pack() == packNo && l.offset() == pos) out.add(new At(pos, id));
                }
                pos += PackFormat.RECORD_HEADER_SIZE + (long) stored;
                count++;
            }
            return pos == end && count >= info.records() ? out : null;
        } catch (IOException | ForgeException e) {
            return null;
        }
    }

    /** Room for a second copy of {@code bytes}, with the margin housekeeping keeps. */
    private boolean roomFor(long bytes) {
        try {
            return Files.getFileStore(objects.packDir()).getUsableSpace()
                    > 2 * bytes + RocksIndex.HOUSEKEEPING_MIN_FREE;
        } catch (IOException e) {
            return false;
        }
    }
}
