package dev.forge.core.port.mem;

import dev.forge.core.codec.Codec;
import dev.forge.core.error.IntegrityException;
import dev.forge.core.model.ObjectId;
import dev.forge.core.model.ObjectType;
import dev.forge.core.port.LiveSet;
import dev.forge.core.port.LocalStore.StorageCheck;
import dev.forge.core.port.LocalStore.StorageUsage;
import dev.forge.core.port.LocalStore.SweepReport;
import dev.forge.core.port.RepoConfig;
import dev.forge.core.port.StoredObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What one in-memory repository keeps between openings, in place of {@code .forge/}'s config, packs and
 * index: it outlives every {@link MemLocalStore} opened on it, so closing and reopening through the
 * same {@link MemLocalStoreFactory} finds everything that was committed or flushed. Objects are
 * grouped in "packs" (one per writer flush) only so that usage and gc's sweep mean what they mean on
 * disk; a pack here is a name, a size and a record count. Thread-safe: every method holds the disk's
 * lock, and a flush publishes all its records at once.
 */
final class MemDisk {
    /** Bytes a record takes in a pack besides its payload (docs/format.md's record header). */
    static final int RECORD_OVERHEAD = 48;

    final Path workTree;
    final Path forgeDir;
    final MemMetadataStore metadata = new MemMetadataStore();
    private RepoConfig config;
    private final TreeMap<ObjectId, Entry> objects = new TreeMap<>();
    private final Map<String, Pack> packs = new TreeMap<>();
    private int nextPack;
    private boolean open;

    MemDisk(Path workTree, Path forgeDir, RepoConfig config) {
        this.workTree = workTree;
        this.forgeDir = forgeDir;
        this.config = config;
    }

    /** One stored object: what a pack record and its index entry hold together. */
    record Entry(ObjectId id, ObjectType type, Codec codec, int rawLength, byte[] payload, String pack, long offset) {
        StoredObject stored() {
            return new StoredObject(id, type, codec, rawLength, payload.length, pack, offset);
        }

        long size() {
            return RECORD_OVERHEAD + (long) payload.length;
        }

        Entry at(String pack, long offset) {
            return new Entry(id, type, codec, rawLength, payload, pack, offset);
        }
    }

    private record Pack(long bytes, int records) {}

    synchronized RepoConfig config() {
        return config;
    }

    synchronized void config(RepoConfig c) {
        this.config = c;
    }

    /** Takes the repository's lock; false when an opening holds it already. */
    synchronized boolean lock() {
        if (open) return false;
        open = true;
        return true;
    }

    synchronized void unlock() {
        open = false;
    }

    synchronized boolean has(ObjectId id) {
        return objects.containsKey(id);
    }

    synchronized Entry get(ObjectId id) {
        return objects.get(id);
    }

    /** Up to {@code limit} entries from {@code from} on, in id order. */
    synchronized List<Entry> from(ObjectId from, int limit) {
        List<Entry> out = new ArrayList<>();
        for (Entry e : objects.tailMap(from).values()) {
            if (out.size() >= limit) break;
            out.add(e);
        }
        return out;
    }

    synchronized List<Entry> all() {
        return new ArrayList<>(objects.values());
    }

    /** Makes {@code records} visible together, as one new pack. */
    synchronized void publish(List<Entry> records) {
        String pack = String.format("mem-%06d", nextPack++);
        long offset = 0;
        for (Entry e : records) {
            objects.put(e.id(), e.at(pack, offset));
            offset += e.size();
        }
        packs.put(pack, new Pack(offset, records.size()));
    }

    synchronized StorageUsage usage() {
        long bytes = 0;
        for (Pack p : packs.values()) bytes += p.bytes();
        long chunks = 0;
        long chunkBytes = 0;
        for (Entry e : objects.values()) {
            if (e.type() == ObjectType.CHUNK) {
                chunks++;
                chunkBytes += e.rawLength();
            }
        }
        return new StorageUsage(packs.size(), bytes, objects.size(), chunkBytes, chunks);
    }

    /** Re-verifies every object (decoded, re-hashed); problems are collected, not thrown. */
    StorageCheck check() {
        List<Entry> entries;
        long packCount;
        long records = 0;
        synchronized (this) {
            entries = all();
            packCount = packs.size();
            for (Pack p : packs.values()) records += p.records();
        }
        List<String> problems = new ArrayList<>();
        for (Entry e : entries) {
            try {
                MemObjectStore.verified(e);
            } catch (IntegrityException x) {
                problems.add(x.getMessage());
            }
        }
        return new StorageCheck(packCount, records, entries.size(), List.copyOf(problems));
    }

    /**
     * gc's sweep with the pack store's rules: dead objects leave the index, packs with nothing live go,
     * packs whose live share is below {@code minLiveShare} are rewritten into one new pack.
     */
    synchronized SweepReport sweep(LiveSet live, double minLiveShare, boolean dryRun) {
        Map<String, long[]> liveAndDead = new HashMap<>();
        List<ObjectId> dead = new ArrayList<>();
        for (Entry e : objects.values()) {
            long[] s = liveAndDead.computeIfAbsent(e.pack(), k -> new long[2]);
            if (live.contains(e.id())) {
                s[0] += e.size();
            } else {
                s[1] += e.size();
                dead.add(e.id());
            }
        }
        List<String> rewrite = new ArrayList<>();
        List<String> drop = new ArrayList<>();
        long bytesBefore = 0;
        long bytesAfter = 0;
        for (Map.Entry<String, Pack> p : packs.entrySet()) {
            long[] s = Optional.ofNullable(liveAndDead.get(p.getKey())).orElse(new long[2]);
            bytesBefore += p.getValue().bytes();
            if (s[0] == 0) {
                drop.add(p.getKey());
            } else if (s[1] > 0 && (double) s[0] / (s[0] + s[1]) < minLiveShare) {
                rewrite.add(p.getKey());
                bytesAfter += s[0];
            } else {
                bytesAfter += p.getValue().bytes();
            }
        }
        SweepReport report = new SweepReport(
                objects.size(), dead.size(), packs.size(), rewrite.size(), drop.size(), bytesBefore, bytesAfter, 0);
        if (dryRun) return report;
        for (ObjectId id : dead) objects.remove(id);
        List<Entry> moved = new ArrayList<>();
        for (Entry e : objects.values()) {
            if (rewrite.contains(e.pack())) moved.add(e);
        }
        if (!moved.isEmpty()) publish(moved);
        for (String p : rewrite) packs.remove(p);
        for (String p : drop) packs.remove(p);
        return report;
    }
}
