package dev.forge.mirror;

import dev.forge.core.codec.ChunkDecoder;
import dev.forge.core.error.ForgeException;
import dev.forge.core.error.IntegrityException;
import dev.forge.core.hash.Blake3;
import dev.forge.core.hash.Blake3Hasher;
import dev.forge.core.model.ChunkList;
import dev.forge.core.model.Commit;
import dev.forge.core.model.FileKind;
import dev.forge.core.model.ObjectId;
import dev.forge.core.model.ObjectType;
import dev.forge.core.model.TreeEntry;
import dev.forge.core.port.BlobStore;
import dev.forge.core.port.ObjectStore;
import dev.forge.core.port.ProgressListener;
import dev.forge.core.repo.ObjectReader;
import dev.forge.core.repo.Repository;
import dev.forge.mirror.format.PackBuilder;
import dev.forge.mirror.format.PackIndex;
import dev.forge.mirror.format.PackLayout;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * {@code forge gc --remote NAME}: garbage collection of a remote, safe against pushes running at the
 * same time (docs/format.md, "Garbage collection"). One run:
 *
 * <ol>
 *   <li>takes {@code gc/lock} (phase mark) and adds the writer feature {@code gc} to the config, so
 *       that every push from then on holds a lease ({@link GcLocks});
 *   <li>marks what the remote's branches and tags reach (commits, trees and lists are read from the
 *       remote into the local store where this repository lacks them; chunks are never downloaded);
 *       a reachable object missing from the remote stops the run before anything is deleted;
 *   <li>deletes packs that an earlier run recorded as dead in {@code gc/pending} at least the grace
 *       period ago, and that are still dead: in phase delete, after every push lease is gone, with the
 *       refs and indexes read again (what a push added meanwhile is live);
 *   <li>rewrites packs that are mostly dead: their live records are copied as stored (no decoding,
 *       no recompression) into new packs; the old ones are then dead;
 *   <li>records in {@code gc/pending} every pack that is dead now, with the time it was first found
 *       dead (a pack live again leaves the record, and its clock starts again when it dies again).
 * </ol>
 *
 * So a pack is deleted only by a later run than the one that found it dead, only when the grace has
 * passed since, and only when it is still dead: nothing younger than the grace is ever deleted.
 */
public final class RemoteGc {
    /** A pack whose live records take less than this share of its bytes is rewritten. */
    static final double REWRITE_BELOW = 0.5;

    static final String PENDING = "gc/pending";
    private static final String PENDING_HEADER = "forge-gc-pending 1";

    private final Remote remote;
    private final Repository repo;
    private final ObjectStore store;
    private final ObjectReader objects;
    private final BlobStore blobs;
    private LongSupplier clock = System::currentTimeMillis;
    private Runnable waiting = () -> {};
    private long targetPackSize = PackUploader.TARGET_PACK_SIZE;
    /** A dry run: the policy is read, not written. */
    private boolean dryRunOnly;

    public RemoteGc(Repository repo, Remote remote) {
        this.remote = remote;
        this.repo = repo;
        this.store = repo.objectStore();
        this.objects = repo.objects();
        this.blobs = remote.blobs();
    }

    /** For tests: the time, epoch ms. */
    RemoteGc clock(LongSupplier millis) {
        this.clock = millis;
        return this;
    }

    /** For tests: called once when the run first waits for running pushes before it deletes. */
    RemoteGc onWaitingForPushes(Runnable r) {
        this.waiting = r;
        return this;
    }

    /** Contents to obliterate (file content id to its record entry): see {@link #obliterating}. */
    private Map<ObjectId, dev.forge.core.retain.PurgeRecord.Entry> obliterate = Map.of();

    /**
     * Also removes {@code contents} ({@code forge obliterate}) however they are reached: every pack that
     * holds one is rewritten without it and deleted in this same run, under phase delete once no push
     * holds a lease (no grace: the content must go; the two-run rule protects the other packs).
     */
    public RemoteGc obliterating(Map<ObjectId, dev.forge.core.retain.PurgeRecord.Entry> contents) {
        this.obliterate = contents;
        return this;
    }

    /** For tests: smaller packs. */
    public RemoteGc packSize(long bytes) {
        this.targetPackSize = bytes;
        return this;
    }

    /**
     * What a run found and did. {@code objectsToFree}/{@code bytesToFree}: dead objects and the bytes
     * their removal frees once every dead pack is gone (the figures of a dry run); the rest is what
     * this run did.
     */
    public record Result(
            boolean dryRun,
            long packsBefore,
            long bytesBefore,
            long liveObjects,
            long objectsToFree,
            long bytesToFree,
            long packsRewritten,
            long packsDeleted,
            long bytesDeleted,
            long packsPending,
            long bytesPending,
            long packsDue,
            boolean deletionDeferred,
            long bytesAfter,
            long contentsPurged) {}

    /** A pack as the run sees it: its index (null for a pack without one) and its blob lengths. */
    private record Pack(String id, PackIndex index, long packBytes, long idxBytes) {
        long bytes() {
            return packBytes + idxBytes;
        }
    }

    public Result run(Duration grace, boolean dryRun, ProgressListener progress) {
        remote.requireWritable();
        remote.requireConfig().requireWritable(remote.describe());
        if (dryRun) {
            dryRunOnly = true;
            return pass(grace, true, null, progress);
        }
        remote.addWriterFeature(GcLocks.FEATURE);
        try (GcLocks.GcLock lock = GcLocks.GcLock.acquire(blobs)) {
            return pass(grace, false, lock, progress);
        }
    }

    private Result pass(Duration grace, boolean dryRun, GcLocks.GcLock lock, ProgressListener progress) {
        long now = clock.getAsLong();
        Map<String, Long> pending = readPending();
        Map<String, Pack> packs = packs();
        long packsBefore = packs.size();
        long bytesBefore = total(packs);
        Set<ObjectId> live = new HashSet<>();
        Set<ObjectId> tips = tips();
        // Retention: what the policy drops is not marked through trees; nor is what was purged before and
        // is gone (a later gc must not take it for a missing object).
        dev.forge.core.retain.PurgeRecord record = RemoteRetention.purged(remote);
        purgedBefore = new HashSet<>();
        for (var e : record.entries()) purgedBefore.add(e.content());
        Set<ObjectId> gone = new HashSet<>();
        RemoteIndex before = remote.indexCache().sync().index();
        for (var e : record.entries()) if (!before.contains(e.content())) gone.add(e.content());
        Map<ObjectId, dev.forge.core.retain.RetentionPolicy.Rule> purgeable = purgeable(progress);
        Set<ObjectId> skip = new HashSet<>(gone);
        skip.addAll(purgeable.keySet());
        skip.addAll(obliterate.keySet());
        mark(tips, live, skip, progress);
        List<dev.forge.core.retain.PurgeRecord.Entry> added = new ArrayList<>();
        purgeable.forEach((id, rule) -> {
            if (!live.contains(id) && before.contains(id) && !record.contains(id))
                added.add(new dev.forge.core.retain.PurgeRecord.Entry(
                        id, now, dev.forge.core.retain.PurgeRecord.Why.RETENTION, rule.describe()));
        });
        obliterate.forEach((id, e) -> {
            if (!live.contains(id)) added.add(e);
        });
        // Obliterated: the contents and those of their chunks nothing live needs; every pack holding one goes.
        Set<ObjectId> doomed = new HashSet<>();
        List<ObjectId> doomedLists = new ArrayList<>();
        for (ObjectId id : obliterate.keySet()) {
            if (live.contains(id)) continue;
            doomed.add(id);
            var at = before.locate(id);
            if (at.isPresent() && at.get().entry().type() == ObjectType.LIST) doomedLists.add(id);
        }
        fetch(before, doomedLists, progress);
        for (ObjectId l : doomedLists) {
            for (ChunkList.ChunkRef c : objects.list(l).chunks()) if (!live.contains(c.id())) doomed.add(c.id());
        }
        List<ObjectId> revived = new ArrayList<>();
        for (var e : record.entries()) {
            if (live.contains(e.content()) && before.contains(e.content())) revived.add(e.content());
        }
        // The record (and the reader feature) before any pack changes: a reader never meets a content
        // that is gone and not recorded.
        if (!dryRun) RemoteRetention.record(remote, added, revived);

        // Due: recorded dead at least the grace ago, and still there.
        List<String> due = new ArrayList<>();
        pending.forEach((id, since) -> {
            if (packs.containsKey(id) && since <= now - grace.toMillis()) due.add(id);
        });
        long packsDeleted = 0;
        long bytesDeleted = 0;
        boolean deferred = false;
        if (!dryRun && !due.isEmpty()) {
            if (enterDeletePhase(lock)) {
                // Under phase delete no push runs: what they added meanwhile is in the refs and indexes now.
                packs.clear();
                packs.putAll(packs());
                Set<ObjectId> newTips = tips();
                newTips.removeAll(tips);
                // What a push added is marked whole (no retention), except what was purged and is gone.
                mark(newTips, live, gone, progress);
                due.removeIf(id -> !packs.containsKey(id));
                Set<String> deadPacks = dead(new HashSet<>(due), packs, live);
                List<String> names = new ArrayList<>();
                for (String id : deadPacks) {
                    // The index first: once it is gone nobody looks for objects in the pack.
                    names.add("packs/" + id + ".idx");
                    names.add("packs/" + id + ".pack");
                    bytesDeleted += packs.get(id).bytes();
                }
                lock.checkFresh("gc");
                remote.deleteAll(names);
                packsDeleted = deadPacks.size();
                for (String id : deadPacks) {
                    try {
                        Files.deleteIfExists(remote.stateDir().resolve("idx").resolve(id + ".idx"));
                    } catch (IOException e) {
                        // a stale cached index is never used: a sync loads only the indexes the remote lists
                    }
                }
                deadPacks.forEach(packs::remove);
                deadPacks.forEach(pending::remove);
            } else {
                deferred = true;
            }
            lock.phase(GcLocks.MARK);
        }

        // What is dead now, and what is mostly dead.
        Map<ObjectId, Integer> copies = copies(packs, live);
        Set<String> deadNow = new HashSet<>();
        List<Pack> rewrite = new ArrayList<>();
        long objectsToFree = 0;
        long bytesToFree = 0;
        Set<ObjectId> deadIds = new HashSet<>();
        Set<String> holding = new HashSet<>(); // packs holding obliterated content: they go in this run
        for (Pack p : packs.values()) {
            long liveBytes = 0;
            int liveCount = 0;
            boolean obliterated = false;
            if (p.index() != null) {
                for (int i = 0; i < p.index().size(); i++) {
                    PackIndex.Entry e = p.index().entry(i);
                    if (doomed.contains(e.id())) obliterated = true;
                    if (live.contains(e.id())) {
                        liveCount++;
                        liveBytes += PackLayout.RECORD_HEADER_SIZE + e.storedLength();
                    } else {
                        deadIds.add(e.id());
                    }
                }
            }
            if (obliterated) holding.add(p.id());
            if (liveCount == 0) {
                deadNow.add(p.id());
                bytesToFree += p.bytes();
            } else if (obliterated || (liveBytes < REWRITE_BELOW * p.packBytes() && !pending.containsKey(p.id()))) {
                rewrite.add(p);
                bytesToFree += p.bytes() - liveBytes;
            }
        }
        objectsToFree = deadIds.size();

        long packsRewritten = 0;
        if (!dryRun && !rewrite.isEmpty()) {
            packsRewritten = rewrite(rewrite, live, copies, progress);
            packs.clear();
            packs.putAll(packs());
            for (Pack p : rewrite) deadNow.add(p.id());
        }
        if (!dryRun && !holding.isEmpty()) {
            // Obliteration: the packs that held the content go now (their other live records were copied).
            long[] done = deleteNow(new ArrayList<>(holding), lock, tips, live, gone, packs, pending, progress);
            packsDeleted += done[0];
            bytesDeleted += done[1];
            if (done[2] != 0) deferred = true;
        }
        deadNow.addAll(pending.keySet());
        deadNow.retainAll(packs.keySet());
        Set<String> stillDead = dead(deadNow, packs, live);
        Map<String, Long> next = new TreeMap<>();
        long bytesPending = 0;
        for (String id : stillDead) {
            next.put(id, pending.getOrDefault(id, now));
            bytesPending += packs.get(id).bytes();
        }
        if (!dryRun) writePending(next);
        return new Result(
                dryRun,
                packsBefore,
                bytesBefore,
                live.size(),
                objectsToFree,
                bytesToFree,
                packsRewritten,
                packsDeleted,
                bytesDeleted,
                next.size(),
                bytesPending,
                due.size(),
                deferred,
                dryRun ? bytesBefore : total(packs),
                added.size());
    }

    /**
     * Deletes {@code ids} now, those of them whose live records all exist elsewhere: under phase delete
     * once no push holds a lease, with the refs and indexes read again (as for due packs). Returns packs
     * and bytes deleted, and 1 when pushes kept running and nothing was deleted.
     */
    private long[] deleteNow(
            List<String> ids,
            GcLocks.GcLock lock,
            Set<ObjectId> tips,
            Set<ObjectId> live,
            Set<ObjectId> gone,
            Map<String, Pack> packs,
            Map<String, Long> pending,
            ProgressListener progress) {
        if (!enterDeletePhase(lock)) return new long[] {0, 0, 1};
        try {
            packs.clear();
            packs.putAll(packs());
            Set<ObjectId> newTips = tips();
            newTips.removeAll(tips);
            Set<ObjectId> skip = new HashSet<>(gone);
            skip.addAll(obliterate.keySet());
            mark(newTips, live, skip, progress);
            ids.removeIf(id -> !packs.containsKey(id));
            Set<String> deadPacks = dead(new HashSet<>(ids), packs, live);
            List<String> names = new ArrayList<>();
            long bytes = 0;
            for (String id : deadPacks) {
                names.add("packs/" + id + ".idx");
                names.add("packs/" + id + ".pack");
                bytes += packs.get(id).bytes();
            }
            lock.checkFresh("gc");
            remote.deleteAll(names);
            for (String id : deadPacks) {
                try {
                    Files.deleteIfExists(remote.stateDir().resolve("idx").resolve(id + ".idx"));
                } catch (IOException e) {
                    // a stale cached index is never used
                }
            }
            deadPacks.forEach(packs::remove);
            deadPacks.forEach(pending::remove);
            return new long[] {deadPacks.size(), bytes, 0};
        } finally {
            lock.phase(GcLocks.MARK);
        }
    }

    /**
     * What the remote's retention policy (merged with this repository's first) drops: over the remote's
     * branches, with its tags kept whole. Reads the history it needs (commits and trees) first.
     */
    private Map<ObjectId, dev.forge.core.retain.RetentionPolicy.Rule> purgeable(ProgressListener progress) {
        dev.forge.core.retain.RetentionPolicy policy = dryRunOnly
                ? RemoteRetention.policy(remote).merge(dev.forge.core.retain.RetentionPolicy.load(repo.forgeDir()))
                : RemoteRetention.sync(repo, remote);
        if (policy.isEmpty()) return Map.of();
        Map<String, ObjectId> branches = new TreeMap<>();
        for (RemoteRefs.RemoteRef r : remote.refs().list().branches().values()) branches.put(r.branch(), r.commit());
        List<ObjectId> tags = new ArrayList<>();
        for (RemoteRefs.RemoteRef r : remote.refs().tags().values()) tags.add(r.commit());
        Set<ObjectId> all = new HashSet<>(branches.values());
        all.addAll(tags);
        readHistory(all, progress);
        return new dev.forge.core.retain.Retention(objects, policy)
                .purgeable(branches, tags, List.of(), java.time.Instant.ofEpochMilli(clock.getAsLong()));
    }

    /** Reads into the local store the commits and trees {@code tips} reach that it lacks. */
    private void readHistory(Collection<ObjectId> tips, ProgressListener progress) {
        RemoteIndex index = remote.indexCache().sync().index();
        List<ObjectId> commitIds = new ArrayList<>();
        for (PackIndex p : index.packs()) {
            for (int i = 0; i < p.size(); i++) {
                PackIndex.Entry e = p.entry(i);
                if (e.type() == ObjectType.COMMIT) commitIds.add(e.id());
            }
        }
        fetch(index, commitIds, progress);
        Set<ObjectId> seen = new HashSet<>();
        List<ObjectId> level = new ArrayList<>();
        java.util.Deque<ObjectId> todo = new java.util.ArrayDeque<>(tips);
        while (!todo.isEmpty()) {
            ObjectId c = todo.pop();
            if (!seen.add(c)) continue;
            need(index, c);
            Commit commit = objects.commit(c);
            level.add(commit.tree());
            todo.addAll(commit.parents());
        }
        while (!level.isEmpty()) {
            level.removeIf(t -> !seen.add(t));
            for (ObjectId t : level) need(index, t);
            fetch(index, level, progress);
            List<ObjectId> next = new ArrayList<>();
            for (ObjectId t : level) {
                for (TreeEntry e : objects.tree(t).entries()) {
                    if (e.kind() == FileKind.DIRECTORY && !seen.contains(e.id())) next.add(e.id());
                }
            }
            level = next;
        }
    }

    /**
     * Gets to phase delete with no push running: waits in phase mark (pushes go on) until no lease is
     * live, then writes phase delete and lists the leases again; a push that started in between sends
     * the gc back to phase mark to wait for it. So pushes are held up only for the deleting itself.
     * False (in phase mark) when pushes kept running for {@link GcLocks#WAIT}.
     */
    private boolean enterDeletePhase(GcLocks.GcLock lock) {
        long deadline = System.nanoTime() + GcLocks.WAIT.toNanos();
        boolean told = false;
        while (true) {
            while (GcLocks.livePushes(blobs) > 0) {
                if (!told) waiting.run();
                told = true;
                if (System.nanoTime() > deadline) return false;
                GcLocks.sleep(500);
            }
            lock.phase(GcLocks.DELETE);
            if (GcLocks.livePushes(blobs) == 0) return true;
            lock.phase(GcLocks.MARK);
            if (System.nanoTime() > deadline) return false;
            GcLocks.sleep(200);
        }
    }

    /**
     * Of {@code candidates}, the packs that can all go together: every live object in one of them is
     * also in a pack outside the set. Starts from all and drops, until none changes, any pack holding
     * a live object that no pack outside the set has.
     */
    private static Set<String> dead(Set<String> candidates, Map<String, Pack> packs, Set<ObjectId> live) {
        Set<String> set = new HashSet<>(candidates);
        Map<ObjectId, Integer> copies = copies(packs, live);
        boolean changed = true;
        while (changed) {
            changed = false;
            Map<ObjectId, Integer> inSet = new HashMap<>();
            for (String id : set) forLive(packs.get(id), live, e -> inSet.merge(e.id(), 1, Integer::sum));
            for (var it = set.iterator(); it.hasNext(); ) {
                Pack p = packs.get(it.next());
                boolean[] needed = {false};
                forLive(p, live, e -> {
                    if (copies.getOrDefault(e.id(), 0) - inSet.getOrDefault(e.id(), 0) <= 0) needed[0] = true;
                });
                if (needed[0]) {
                    it.remove();
                    changed = true;
                }
            }
        }
        return set;
    }

    private static void forLive(Pack p, Set<ObjectId> live, java.util.function.Consumer<PackIndex.Entry> action) {
        if (p == null || p.index() == null) return;
        for (int i = 0; i < p.index().size(); i++) {
            PackIndex.Entry e = p.index().entry(i);
            if (live.contains(e.id())) action.accept(e);
        }
    }

    /** How many packs hold each live object. */
    private static Map<ObjectId, Integer> copies(Map<String, Pack> packs, Set<ObjectId> live) {
        Map<ObjectId, Integer> out = new HashMap<>();
        for (Pack p : packs.values()) forLive(p, live, e -> out.merge(e.id(), 1, Integer::sum));
        return out;
    }

    /**
     * Copies the live records of {@code old} that no other pack holds into new packs, record bytes as
     * stored (each checked first), each pack uploaded before its index. Returns how many packs were read.
     */
    private long rewrite(List<Pack> old, Set<ObjectId> live, Map<ObjectId, Integer> copies, ProgressListener progress) {
        Set<String> rewriting = new HashSet<>();
        for (Pack p : old) rewriting.add(p.id());
        Map<ObjectId, Integer> inRewrite = new HashMap<>();
        for (Pack p : old) forLive(p, live, e -> inRewrite.merge(e.id(), 1, Integer::sum));
        Set<ObjectId> copied = new HashSet<>();
        Path dir = remote.stateDir().resolve("gc-outgoing");
        Blake3Hasher hasher = Blake3.newHasher();
        List<PackBuilder.Built> built = new ArrayList<>();
        progress.begin("Rewriting packs", old.size(), "packs");
        try (ChunkDecoder decoder = new ChunkDecoder()) {
            PackBuilder b = null;
            for (Pack p : old) {
                List<RemoteIndex.Location> wanted = new ArrayList<>();
                forLive(p, live, e -> {
                    boolean elsewhere = copies.getOrDefault(e.id(), 0) > inRewrite.getOrDefault(e.id(), 0);
                    if (!elsewhere && copied.add(e.id())) wanted.add(new RemoteIndex.Location(p.id(), e));
                });
                String name = "packs/" + p.id() + ".pack";
                for (RangeReader.Request r : RangeReader.plan(wanted)) {
                    byte[] span = blobs.get(name, r.offset(), r.length());
                    for (PackIndex.Entry e : r.entries()) {
                        int off = (int) (e.offset() - r.offset());
                        PackLayout.verifyRecord(
                                e, span, off, decoder, hasher, blobs.describe() + "/" + name + " at " + e.offset());
                        byte[] payload = new byte[e.storedLength()];
                        System.arraycopy(span, off + PackLayout.RECORD_HEADER_SIZE, payload, 0, payload.length);
                        if (b == null) b = new PackBuilder(dir);
                        b.add(new ObjectStore.StoredRecord(e.id(), e.type(), e.codec(), e.rawLength(), payload));
                        if (b.length() >= targetPackSize) {
                            built.add(b.finish(hasher));
                            b = null;
                        }
                    }
                }
                progress.advance(1);
            }
            if (b != null && b.records() > 0) built.add(b.finish(hasher));
            else if (b != null) b.close();
        } catch (IOException e) {
            throw new ForgeException("cannot write a pack in " + dir + ": " + e.getMessage(), e);
        } finally {
            progress.end();
        }
        IndexCache cache = remote.indexCache();
        for (PackBuilder.Built nb : built) {
            try {
                blobs.put("packs/" + nb.id() + ".pack", nb.pack());
                blobs.put("packs/" + nb.id() + ".idx", Files.readAllBytes(nb.index()));
                cache.remember(nb.id(), nb.index());
                Files.deleteIfExists(nb.pack());
                Files.deleteIfExists(nb.index());
            } catch (IOException e) {
                throw new ForgeException("cannot read " + nb.index() + ": " + e.getMessage(), e);
            }
        }
        remote.flushListings();
        return old.size();
    }

    /** The commits of every branch and tag of the remote. */
    private Set<ObjectId> tips() {
        RemoteRefs refs = remote.refs();
        Set<ObjectId> out = new HashSet<>();
        for (RemoteRefs.RemoteRef r : refs.list().branches().values()) out.add(r.commit());
        for (RemoteRefs.RemoteRef r : refs.tags().values()) out.add(r.commit());
        return out;
    }

    /** Every pack of the remote (those without an index too), by id. */
    private Map<String, Pack> packs() {
        RemoteIndex index = remote.indexCache().sync().index();
        Map<String, Long> packBytes = new HashMap<>();
        Map<String, Long> idxBytes = new HashMap<>();
        for (BlobStore.BlobInfo b : blobs.list("packs/")) {
            String n = b.name();
            if (n.endsWith(".pack")) packBytes.put(n.substring(6, n.length() - 5), b.length());
            else if (n.endsWith(".idx")) idxBytes.put(n.substring(6, n.length() - 4), b.length());
        }
        Map<String, PackIndex> byId = new HashMap<>();
        for (PackIndex p : index.packs()) byId.put(p.packId(), p);
        Map<String, Pack> out = new HashMap<>();
        for (var e : packBytes.entrySet()) {
            String id = e.getKey();
            if (!id.matches("[0-9a-f]{64}")) continue;
            out.put(id, new Pack(id, byId.get(id), e.getValue(), idxBytes.getOrDefault(id, 0L)));
        }
        return out;
    }

    private static long total(Map<String, Pack> packs) {
        long n = 0;
        for (Pack p : packs.values()) n += p.bytes();
        return n;
    }

    /**
     * Adds to {@code live} everything {@code tips} reach that is not in it yet. Commits, trees and lists
     * this repository lacks are read from the remote first (one round for the commits, one per tree
     * level, one for the lists); a reachable object the remote lacks stops gc.
     */
    private void mark(Collection<ObjectId> tips, Set<ObjectId> live, Set<ObjectId> skip, ProgressListener progress) {
        if (tips.isEmpty()) return;
        RemoteIndex index = remote.indexCache().sync().index();
        List<ObjectId> commitIds = new ArrayList<>();
        for (PackIndex p : index.packs()) {
            for (int i = 0; i < p.size(); i++) {
                PackIndex.Entry e = p.entry(i);
                if (e.type() == ObjectType.COMMIT && !live.contains(e.id())) commitIds.add(e.id());
            }
        }
        fetch(index, commitIds, progress);
        List<ObjectId> level = new ArrayList<>();
        java.util.Deque<ObjectId> todo = new java.util.ArrayDeque<>(tips);
        while (!todo.isEmpty()) {
            ObjectId c = todo.pop();
            if (live.contains(c)) continue;
            need(index, c);
            live.add(c);
            Commit commit = objects.commit(c);
            level.add(commit.tree());
            for (ObjectId parent : commit.parents()) if (!live.contains(parent)) todo.push(parent);
        }
        List<ObjectId> lists = new ArrayList<>();
        while (!level.isEmpty()) {
            level.removeIf(t -> !live.add(t));
            for (ObjectId t : level) need(index, t);
            fetch(index, level, progress);
            List<ObjectId> next = new ArrayList<>();
            for (ObjectId t : level) {
                for (TreeEntry e : objects.tree(t).entries()) {
                    if (e.kind() == FileKind.DIRECTORY) {
                        if (!live.contains(e.id())) next.add(e.id());
                    } else if (!skip.contains(e.id()) && live.add(e.id())) {
                        need(index, e.id());
                        if (e.type() == ObjectType.LIST) lists.add(e.id());
                    }
                }
            }
            level = next;
        }
        fetch(index, lists, progress);
        for (ObjectId l : lists) {
            // A recorded purged list may outlive some of its chunks (its pack was mostly live): not damage.
            boolean recorded = purgedBefore.contains(l);
            for (ChunkList.ChunkRef c : objects.list(l).chunks()) {
                if (recorded && !index.contains(c.id())) continue;
                if (live.add(c.id())) need(index, c.id());
            }
        }
    }

    /** The contents in the remote's purge record when this run started. */
    private Set<ObjectId> purgedBefore = Set.of();

    /** Stops gc when the remote lacks an object its refs reach: deleting anything then could lose more. */
    private void need(RemoteIndex index, ObjectId id) {
        if (!index.contains(id)) {
            throw new IntegrityException("the remote " + remote.describe() + " lacks object " + id.shortHex()
                    + " that its branches or tags reach; gc deleted nothing (run 'forge fsck' on a clone, or push"
                    + " the branch again from a repository that has it)");
        }
    }

    /** Reads into the local store those of {@code ids} it lacks. */
    private void fetch(RemoteIndex index, Collection<ObjectId> ids, ProgressListener progress) {
        List<RemoteIndex.Location> wanted = new ArrayList<>();
        for (ObjectId id : ids) {
            if (store.containsIntact(id)) continue;
            index.locate(id).ifPresent(wanted::add);
        }
        if (wanted.isEmpty()) return;
        List<RangeReader.Request> requests = RangeReader.plan(wanted);
        RangeReader reader = new RangeReader(blobs, store, Math.max(remote.parallelism(), 2) * 2);
        progress.begin("Reading history", RangeReader.bytes(requests), "B");
        try {
            reader.run(requests, progress);
        } finally {
            progress.end();
        }
    }

    /** {@code gc/pending}: pack id to the time (epoch ms) a run first found it dead. */
    private Map<String, Long> readPending() {
        Map<String, Long> out = new TreeMap<>();
        var v = blobs.get(PENDING);
        if (v.isEmpty()) return out;
        String[] lines = new String(v.get().data(), StandardCharsets.UTF_8).split("\n");
        if (lines.length == 0 || !lines[0].equals(PENDING_HEADER)) {
            throw new IntegrityException("the gc record " + blobs.describe() + "/" + PENDING + " is damaged");
        }
        for (int i = 1; i < lines.length; i++) {
            String[] p = lines[i].split(" ");
            if (p.length != 2 || !p[0].matches("[0-9a-f]{64}") || !p[1].matches("\\d{1,18}")) {
                throw new IntegrityException(
                        "the gc record " + blobs.describe() + "/" + PENDING + " is damaged at line " + (i + 1));
            }
            out.put(p[0], Long.parseLong(p[1]));
        }
        return out;
    }

    private void writePending(Map<String, Long> pending) {
        StringBuilder sb = new StringBuilder(PENDING_HEADER).append('\n');
        pending.forEach((id, t) -> sb.append(id).append(' ').append(t).append('\n'));
        blobs.put(PENDING, sb.toString().getBytes(StandardCharsets.UTF_8));
    }
}
