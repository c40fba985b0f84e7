package dev.forge.storage;

import dev.forge.core.error.ForgeException;
import dev.forge.core.model.ObjectId;
import dev.forge.core.port.LiveSet;
import dev.forge.core.port.LocalStore.SweepReport;
import dev.forge.core.port.ObjectStore.StoredRecord;
import dev.forge.core.port.ProgressListener;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;

/**
 * gc's sweep over the local store, ordered so that it frees space before it needs any (it must work
 * on a full disk, where the space reserve got it as far as opening the index):
 *
 * <ol>
 *   <li>pack by pack, one synced batch deletes the index entries of its dead objects, and, when
 *       nothing in it is live, its pack-list entry; then such a pack file is deleted. Pack files no
 *       list entry names (left by a crash) and unpublished leftovers in {@code tmp/} go too.
 *   <li>then the packs whose live share is below the threshold are rewritten one at a time: live
 *       records are copied (stored bytes, no recompression) into a new pack, which is published and
 *       indexed like any pack (its index entries replace the old ones); a synced batch deletes the old
 *       pack's list entry; the old file is deleted. So at most one pack's live bytes are ever needed.
 * </ol>
 *
 * Each step is durable before the next; a crash between steps leaves extra bytes (found and deleted
 * by the next gc), never an index entry without its record.
 */
final class Sweeper {
    private final RocksIndex index;
    private final RocksObjectStore objects;

    Sweeper(RocksIndex index, RocksObjectStore objects) {
        this.index = index;
        this.objects = objects;
    }

    private static final class PackStat {
        long liveBytes;
        long deadBytes;
        final List<byte[]> deadKeys = new ArrayList<>();
    }

    SweepReport run(LiveSet live, double minLiveShare, boolean dryRun, ProgressListener progress) {
        Map<Integer, IndexCodec.PackInfo> packs = new HashMap<>();
        long bytesBefore = 0;
        try (RocksIterator it = index.db.newIterator(index.packs)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                IndexCodec.PackInfo p = IndexCodec.decodePack(it.value());
                packs.put(PackFormat.getInt(it.key(), 0), p);
                bytesBefore += p.size();
            }
            RocksIndex.check(it);
        }
        Map<Integer, PackStat> stats = new HashMap<>();
        long objectsBefore = 0;
        long dead = 0;
        try (RocksIterator it = index.db.newIterator(index.objects)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                objectsBefore++;
                ObjectId id = ObjectId.of(it.key());
                IndexCodec.Location l = IndexCodec.decodeLocation(id, it.value());
                PackStat s = stats.computeIfAbsent(l.pack(), k -> new PackStat());
                long size = PackFormat.RECORD_HEADER_SIZE + (long) l.storedLength();
                if (live.contains(id)) {
                    s.liveBytes += size;
                } else {
                    s.deadBytes += size;
                    s.deadKeys.add(it.key());
                    dead++;
                }
            }
            RocksIndex.check(it);
        }
        List<Integer> rewrite = new ArrayList<>();
        List<Integer> drop = new ArrayList<>();
        long bytesAfter = 0;
        for (Map.Entry<Integer, IndexCodec.PackInfo> e : packs.entrySet()) {
            PackStat s = stats.get(e.getKey());
            long size = e.getValue().size();
            if (s == null || s.liveBytes == 0) {
                drop.add(e.getKey());
            } else if (s.deadBytes > 0 && (double) s.liveBytes / (s.liveBytes + s.deadBytes) < minLiveShare) {
                rewrite.add(e.getKey());
                bytesAfter += s.liveBytes + PackFormat.HEADER_SIZE + PackFormat.TRAILER_SIZE;
            } else {
                bytesAfter += size;
            }
        }
        List<Path> orphans = orphanFiles(packs);
        SweepReport report = new SweepReport(
                objectsBefore,
                dead,
                packs.size(),
                rewrite.size(),
                drop.size(),
                bytesBefore,
                bytesAfter,
                orphans.size());
        if (dryRun) return report;

        dropDead(packs, stats, drop, orphans);
        rewrite(packs, stats, rewrite, live, progress);
        return report;
    }

    /** Step 1: dead index entries and packs with nothing live, pack by pack; orphans and leftovers. */
    private void dropDead(
            Map<Integer, IndexCodec.PackInfo> packs,
            Map<Integer, PackStat> stats,
            List<Integer> drop,
            List<Path> orphans) {
        try {
            for (Path o : orphans) Files.deleteIfExists(o);
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(objects.tmpDir(), "pack-*.part")) {
                for (Path p : ds) Files.deleteIfExists(p);
            } catch (java.nio.file.NoSuchFileException ignored) {
                // no tmp/ at all
            }
            for (int p : packs.keySet()) {
                PackStat s = stats.get(p);
                boolean dropIt = drop.contains(p);
                if ((s == null || s.deadKeys.isEmpty()) && !dropIt) continue;
                try (WriteBatch batch = new WriteBatch()) {
                    if (s != null) for (byte[] k : s.deadKeys) batch.delete(index.objects, k);
                    if (dropIt) batch.delete(index.packs, RocksObjectStore.packKey(p));
                    index.write(batch);
                } catch (RocksDBException e) {
                    throw RocksIndex.failure("write", e);
                }
                if (dropIt) deletePack(p, packs.get(p));
            }
            FileSync.directory(objects.packDir());
        } catch (IOException e) {
            throw new ForgeException("cannot delete unused packs: " + e.getMessage(), e);
        }
    }

    /** Step 2: each mostly-dead pack's live records into a new pack, then the old pack goes. */
    private void rewrite(
            Map<Integer, IndexCodec.PackInfo> packs,
            Map<Integer, PackStat> stats,
            List<Integer> rewrite,
            LiveSet live,
            ProgressListener progress) {
        if (rewrite.isEmpty()) return;
        Map<Integer, List<ObjectId>> liveIds = new HashMap<>();
        for (int p : rewrite) liveIds.put(p, new ArrayList<>());
        Map<ObjectId, Long> offsets = new HashMap<>();
        try (RocksIterator it = index.db.newIterator(index.objects)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                ObjectId id = ObjectId.of(it.key());
                IndexCodec.Location l = IndexCodec.decodeLocation(id, it.value());
                List<ObjectId> ids = liveIds.get(l.pack());
                if (ids != null && live.contains(id)) {
                    ids.add(id);
                    offsets.put(id, l.offset());
                }
            }
            RocksIndex.check(it);
        }
        long toCopy = 0;
        for (int p : rewrite) toCopy += stats.get(p).liveBytes;
        progress.begin("Repacking", toCopy, "B");
        try {
            rewrite.sort(Comparator.comparingLong(p -> stats.get(p).liveBytes));
            for (int p : rewrite) {
                List<ObjectId> ids = liveIds.get(p);
                ids.sort(Comparator.comparingLong(offsets::get)); // one forward pass over the old pack
                try (PackWriter w = new PackWriter(objects, RocksObjectStore.DEFAULT_TARGET_PACK_SIZE, true)) {
                    for (ObjectId id : ids) {
                        StoredRecord r = objects.readStored(id);
                        w.put(id, r.type(), r.codec(), r.rawLength(), r.payload(), 0, r.payload().length);
                        progress.advance(PackFormat.RECORD_HEADER_SIZE + r.payload().length);
                    }
                } // published and indexed: every live record of p now reads from the new pack
                try (WriteBatch batch = new WriteBatch()) {
                    batch.delete(index.packs, RocksObjectStore.packKey(p));
                    index.write(batch);
                } catch (RocksDBException e) {
                    throw RocksIndex.failure("write", e);
                }
                deletePack(p, packs.get(p));
                FileSync.directory(objects.packDir());
            }
        } catch (IOException e) {
            throw new ForgeException("cannot delete a rewritten pack: " + e.getMessage(), e);
        } finally {
            progress.end();
        }
    }

    private void deletePack(int packNo, IndexCodec.PackInfo info) throws IOException {
        objects.forget(packNo);
        Files.deleteIfExists(objects.packDir().resolve(info.fileName()));
    }

    private List<Path> orphanFiles(Map<Integer, IndexCodec.PackInfo> packs) {
        java.util.Set<String> listed = new java.util.HashSet<>();
        for (IndexCodec.PackInfo p : packs.values()) listed.add(p.fileName());
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(objects.packDir(), "*" + PackFormat.PACK_SUFFIX)) {
            for (Path p : ds) {
                if (!listed.contains(p.getFileName().toString())) out.add(p);
            }
        } catch (IOException e) {
            throw new ForgeException("cannot list " + objects.packDir() + ": " + e.getMessage(), e);
        }
        return out;
    }
}
