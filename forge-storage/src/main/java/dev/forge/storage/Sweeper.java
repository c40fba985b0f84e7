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
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;

/**
 * gc's sweep over the local store. Order of effects, each step durable before the next:
 *
 * <ol>
 *   <li>live records of packs to rewrite are copied (stored bytes, no recompression) into new packs,
 *       which are published and indexed like any pack (their index entries replace the old ones);
 *   <li>one synced batch deletes the index entries of dead objects and the list entries of the packs
 *       that are rewritten or hold nothing live;
 *   <li>those pack files, and pack files no list entry names (left by a crash), are deleted.
 * </ol>
 *
 * A pack that holds damage (a record in {@link DamagedRecords}, or cut short) is rewritten like a
 * mostly dead one once every live object in it is intact (the damaged ones repaired elsewhere), so
 * that gc leaves no damaged bytes behind; while a live object in it is still damaged it stays.
 *
 *
 * A crash between steps leaves extra bytes, never an index entry without its record.
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
        }
        Set<Integer> damagedPacks = packsWithDamage(packs, live);
        Set<Integer> rewrite = new HashSet<>();
        Set<Integer> drop = new HashSet<>();
        long bytesAfter = 0;
        for (Map.Entry<Integer, IndexCodec.PackInfo> e : packs.entrySet()) {
            PackStat s = stats.get(e.getKey());
            long size = e.getValue().size();
            if (s == null || s.liveBytes == 0) {
                drop.add(e.getKey());
            } else if (damagedPacks.contains(e.getKey())
                    || (s.deadBytes > 0 && (double) s.liveBytes / (s.liveBytes + s.deadBytes) < minLiveShare)) {
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

        long toCopy = 0;
        for (int p : rewrite) toCopy += stats.get(p).liveBytes;
        progress.begin("Repacking", toCopy, "B");
        try (PackWriter w = new PackWriter(objects, RocksObjectStore.DEFAULT_TARGET_PACK_SIZE, true)) {
            if (!rewrite.isEmpty()) {
                try (RocksIterator it = index.db.newIterator(index.objects)) {
                    for (it.seekToFirst(); it.isValid(); it.next()) {
                        ObjectId id = ObjectId.of(it.key());
                        IndexCodec.Location l = IndexCodec.decodeLocation(id, it.value());
                        if (!rewrite.contains(l.pack()) || !live.contains(id)) continue;
                        StoredRecord r = objects.readStored(id);
                        w.put(id, r.type(), r.codec(), r.rawLength(), r.payload(), 0, r.payload().length);
                        progress.advance(PackFormat.RECORD_HEADER_SIZE + r.payload().length);
                    }
                }
            }
        } finally {
            progress.end();
        }
        try (WriteBatch batch = new WriteBatch()) {
            for (PackStat s : stats.values()) {
                for (byte[] k : s.deadKeys) batch.delete(index.objects, k);
            }
            for (int p : rewrite) batch.delete(index.packs, RocksObjectStore.packKey(p));
            for (int p : drop) batch.delete(index.packs, RocksObjectStore.packKey(p));
            index.write(batch);
        } catch (RocksDBException e) {
            throw RocksIndex.failure("write", e);
        }
        objects.close();
        try {
            for (int p : rewrite)
                Files.deleteIfExists(objects.packDir().resolve(packs.get(p).fileName()));
            for (int p : drop)
                Files.deleteIfExists(objects.packDir().resolve(packs.get(p).fileName()));
            for (Path o : orphans) Files.deleteIfExists(o);
            FileSync.directory(objects.packDir());
        } catch (IOException e) {
            throw new ForgeException("cannot delete old packs: " + e.getMessage(), e);
        }
        objects.damaged().retain(d -> Files.exists(objects.packDir().resolve(d.pack())));
        return report;
    }

    /**
     * Packs holding damaged bytes whose live objects are all intact: rewriting them copies those objects
     * and drops the damage. A pack in which a live object is still damaged is not among them.
     */
    private Set<Integer> packsWithDamage(Map<Integer, IndexCodec.PackInfo> packs, LiveSet live) {
        Set<String> named = new HashSet<>();
        for (DamagedRecords.Entry d : objects.damaged().all()) named.add(d.pack());
        Set<Integer> out = new HashSet<>(objects.truncatedPacks().keySet());
        for (Map.Entry<Integer, IndexCodec.PackInfo> e : packs.entrySet()) {
            if (named.contains(e.getValue().fileName())) out.add(e.getKey());
        }
        if (out.isEmpty()) return out;
        for (ObjectId id : objects.knownDamaged()) {
            if (!live.contains(id)) continue;
            objects.stat(id).ifPresent(o -> {
                for (Map.Entry<Integer, IndexCodec.PackInfo> e : packs.entrySet()) {
                    if (e.getValue().fileName().equals(o.pack())) out.remove(e.getKey());
                }
            });
        }
        return out;
    }

    private List<Path> orphanFiles(Map<Integer, IndexCodec.PackInfo> packs) {
        Set<String> listed = new HashSet<>();
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
