package dev.forge.mirror;

import dev.forge.core.error.NonFastForwardException;
import dev.forge.core.error.NotFoundException;
import dev.forge.core.model.ChunkList;
import dev.forge.core.model.Commit;
import dev.forge.core.model.FileKind;
import dev.forge.core.model.ObjectId;
import dev.forge.core.model.ObjectType;
import dev.forge.core.model.RefNames;
import dev.forge.core.model.TreeEntry;
import dev.forge.core.port.ObjectStore;
import dev.forge.core.port.ProgressListener;
import dev.forge.core.port.StoredObject;
import dev.forge.core.repo.ObjectReader;
import dev.forge.core.repo.Repository;
import dev.forge.mirror.blob.Listings;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;

/**
 * {@code forge push}: sends a branch's new commits and everything they reach that the remote lacks,
 * then moves the remote branch by a conditional write.
 *
 * <ol>
 *   <li>Read the remote branch. If it is not an ancestor of what is pushed, refuse (non-fast-forward)
 *       before sending anything.
 *   <li>Finish packs an interrupted push left staged; sync the remote's pack indexes (only new ones
 *       are downloaded).
 *   <li>Walk the new commits (stopping at commits the remote's branches already reach), their trees,
 *       lists and chunks; every object the remote's indexes do not list is sent. Subtrees of the
 *       commits where the walk stopped are complete on the remote and are skipped whole.
 *   <li>Pack those objects (chunks first, in file order; metadata in its own packs), upload packs in
 *       parallel, each followed by its index.
 *   <li>Move the branch: create-if-absent, or replace-if-unchanged against the version read in step
 *       1. If another push moved it meanwhile, re-read: still an ancestor, try again; else
 *       non-fast-forward. The packs already sent stay (content-addressed, harmless, reused later).
 * </ol>
 */
public final class Push {
    private final Repository repo;
    private final ObjectStore store;
    private final Remote remote;
    private final ObjectReader objects;
    private long targetPackSize = PackUploader.TARGET_PACK_SIZE;
    private Set<String> lockMainline = Set.of("main");
    private Route route = Route.ALL;
    private boolean follow;
    private boolean full;
    /** Files whose content the current plan has listed (reset by each {@link #plan}). */
    private final Set<ObjectId> contentSeen = new HashSet<>();
    /** This repository's purge record, read by {@link #plan}. */
    private dev.forge.core.retain.PurgeRecord purged = dev.forge.core.retain.PurgeRecord.empty();
    /** Purged contents the pushed history names and the remote lacks: recorded there, not sent. */
    private final List<dev.forge.core.retain.PurgeRecord.Entry> purgedSkipped = new ArrayList<>();

    public Push(Repository repo, Remote remote) {
        this.repo = repo;
        this.store = repo.objectStore();
        this.remote = remote;
        this.objects = repo.objects();
    }

    /** For tests: smaller packs. */
    public Push packSize(long bytes) {
        this.targetPackSize = bytes;
        return this;
    }

    /**
     * Pushes as a mirror does ({@link MirrorSync}): only the contents of files {@code route} takes
     * (metadata always), and the remote branch follows the pushed commit even where that is not a
     * fast-forward (a mirror copies its primary; it has no history of its own to protect), with no
     * lock checks (locks live on the primary).
     */
    public Push asMirror(Route route) {
        this.route = route;
        this.follow = true;
        return this;
    }

    /**
     * Walks every commit, not only those the remote's branches do not reach yet: sends what an
     * earlier push with a narrower route left out (after a mirror's {@code --only} changed).
     */
    public Push full(boolean full) {
        this.full = full;
        return this;
    }

    /** The branches that the others merge into ({@code lock.mainline}): a lock taken on one guards every branch. */
    public Push lockMainline(Set<String> branches) {
        this.lockMainline = Set.copyOf(branches);
        return this;
    }

    public record Result(
            String branch,
            String remoteBranch,
            ObjectId commit,
            ObjectId previous,
            boolean upToDate,
            long objects,
            long packs,
            long packsResumed,
            long bytesResumed,
            long bytesSent,
            long requests,
            double seconds,
            List<FileLocks.Broken> brokenLocks) {}

    public Result run(String branch, String remoteBranch, ProgressListener progress) {
        ObjectId tip = repo.ref(RefNames.branch(branch))
                .orElseThrow(() -> new NotFoundException("there is no branch '" + branch + "' to push"));
        return run(branch, tip, remoteBranch, progress);
    }

    /** Pushes commit {@code tip} (named {@code label} in messages) to {@code remoteBranch}. */
    public Result run(String label, ObjectId tip, String remoteBranch, ProgressListener progress) {
        long start = System.nanoTime();
        remote.requireWritable();
        if (remote.youtube().isPresent() && !follow)
            throw new dev.forge.core.error.InvalidInputException("'" + remote.name() + "' is a youtube:// remote: only"
                    + " a mirror uploads to YouTube ('forge remote remove " + remote.name()
                    + "', then 'forge mirror add "
                    + remote.name() + " URL'; pushes to its primary and 'forge mirror sync' upload)");
        // The gc lease is taken before the refs and indexes are read: a gc deletes nothing while it is held.
        try (GcLocks.Lease lease = GcLocks.push(remote)) {
            return run(label, tip, remoteBranch, progress, start, lease);
        }
    }

    private Result run(
            String branch,
            ObjectId tip,
            String remoteBranch,
            ProgressListener progress,
            long start,
            GcLocks.Lease lease) {
        RemoteRefs refs = remote.refs();
        RemoteRefs.RemoteRef before = refs.read(remoteBranch).orElse(null);
        ObjectId previous = before == null ? null : before.commit();
        if (tip.equals(previous) && !full) {
            // Nothing to send; still give a remote written before listings existed its listings.
            if (remote.config()
                    .filter(c -> !c.writerFeatures().contains(Listings.FEATURE))
                    .isPresent()) {
                remote.ensureConfig(repo.config().chunking());
            }
            if (!dev.forge.core.retain.RetentionPolicy.load(repo.forgeDir())
                    .all()
                    .isEmpty()) {
                remote.ensureConfig(repo.config().chunking());
                RemoteRetention.sync(repo, remote);
            }
            List<FileLocks.Broken> broken = follow ? List.of() : new FileLocks(remote).broken();
            PackUploader.forgetSent(outgoing());
            track(branch, remoteBranch, tip);
            return new Result(
                    branch,
                    remoteBranch,
                    tip,
                    previous,
                    true,
                    0,
                    0,
                    0,
                    0,
                    remote.meter().bytesSent(),
                    remote.meter().requests(),
                    seconds(start),
                    broken);
        }
        List<FileLocks.Broken> broken = List.of();
        if (!follow) {
            checkFastForward(branch, remoteBranch, before, tip);
            checkLocks(remoteBranch, List.of(tip), refs.all());
            broken = new FileLocks(remote).broken();
        }
        remote.ensureConfig(repo.config().chunking());
        // The retention policy travels with every push (merged rule by rule with the remote's).
        RemoteRetention.sync(repo, remote);
        long[] resumed = finishInterruptedPush();
        RemoteIndex index = remote.indexCache().sync().index();
        List<ObjectId> data = new ArrayList<>();
        List<ObjectId> meta = new ArrayList<>();
        long bytes = plan(List.of(tip), refs.all(), index, data, meta);
        recordPurged();
        progress.begin("Uploading", bytes, "B");
        try (PackUploader up = new PackUploader(remote, store, targetPackSize, progress)) {
            up.addAll(data);
            up.seal();
            up.addAll(meta);
            up.finish();
            lease.checkFresh("push");
            TestHooks.reached("push.beforeRef");
            moveRef(branch, remoteBranch, before, tip);
            PackUploader.forgetSent(outgoing());
            track(branch, remoteBranch, tip);
            return new Result(
                    branch,
                    remoteBranch,
                    tip,
                    previous,
                    false,
                    up.objects(),
                    up.packs(),
                    resumed[0],
                    resumed[1] + up.bytesResumed(),
                    remote.meter().bytesSent(),
                    remote.meter().requests(),
                    seconds(start),
                    broken);
        } finally {
            progress.end();
        }
    }

    /**
     * Refuses, before anything is sent, a push whose new commits change a path that someone else has
     * locked (and whose lock guards {@code remoteBranch}; {@code null} for tags, which every lock
     * guards): the paths the new commits change, then {@link FileLocks#locksOn} (a few paths: their
     * locks read directly; more: one listing of the remote's locks, then reads of the locked ones).
     */
    private void checkLocks(String remoteBranch, List<ObjectId> tips, Map<String, RemoteRefs.RemoteRef> remoteRefs) {
        FileLocks locks = new FileLocks(remote);
        Set<ObjectId> stop = new HashSet<>();
        for (RemoteRefs.RemoteRef r : remoteRefs.values()) {
            if (store.contains(r.commit())) stop.add(r.commit());
        }
        Set<String> changed = new java.util.TreeSet<>();
        for (ObjectId c : objects.commitsBetween(tips, stop, new HashSet<>())) {
            Commit commit = objects.commit(c);
            ObjectId parentTree = commit.parents().isEmpty()
                    ? null
                    : objects.commit(commit.parents().getFirst()).tree();
            FileLocks.changedPaths(objects, parentTree, commit.tree(), "", changed);
        }
        if (changed.isEmpty()) return;
        FileLocks.Owner me = FileLocks.owner(repo);
        Map<String, FileLocks.Lock> blocking = new java.util.TreeMap<>();
        for (Map.Entry<String, FileLocks.Lock> e : locks.locksOn(changed).entrySet()) {
            FileLocks.Lock l = e.getValue();
            if (!l.heldBy(me) && (remoteBranch == null || FileLocks.guards(l, remoteBranch, lockMainline)))
                blocking.put(e.getKey(), l);
        }
        if (!blocking.isEmpty()) {
            String where = remoteBranch == null
                    ? remote.name() + " (tags: every lock applies)"
                    : remote.name() + "/" + remoteBranch;
            throw new dev.forge.core.error.LockHeldException("push rejected: " + blocking.size()
                    + (blocking.size() == 1 ? " path" : " paths") + " changed by the commits to push "
                    + (blocking.size() == 1 ? "is" : "are") + " locked on " + where
                    + ": " + FileLocks.listing(blocking)
                    + "; nothing was sent: ask for the lock (or 'forge unlock --force'), then push again");
        }
    }

    /** The commit of {@code branch} on {@code remote}, if it has that branch (for the pre-push hook). */
    public static Optional<ObjectId> remoteBranch(Remote remote, String branch) {
        return remote.refs().read(branch).map(RemoteRefs.RemoteRef::commit);
    }

    /** The remote's tags, by name (for the pre-push hook). */
    public static Map<String, ObjectId> remoteTags(Remote remote) {
        Map<String, ObjectId> out = new java.util.TreeMap<>();
        remote.refs().tags().forEach((t, r) -> out.put(t, r.commit()));
        return out;
    }

    /** What {@link #pushTags} did, by tag name. */
    public record TagResult(
            List<String> created, List<String> moved, List<String> upToDate, List<String> refused, long bytesSent) {}

    /**
     * {@code forge push --tags}: sends every local tag the remote lacks (with the objects it reaches)
     * and creates it there by create-if-absent. A tag the remote has at another commit never moves,
     * unless {@code force}: then it is replaced by a conditional write. Tags that were refused are
     * listed in the result (the caller exits 8 for them after the rest is done).
     */
    public TagResult pushTags(boolean force, ProgressListener progress) {
        if (remote.youtube().isPresent() && !follow)
            throw new dev.forge.core.error.InvalidInputException("'" + remote.name()
                    + "' is a youtube:// remote: only a mirror uploads to YouTube (forge mirror add)");
        RemoteRefs refs = remote.refs();
        SortedMap<String, ObjectId> local = repo.refs(RefNames.TAGS);
        if (local.isEmpty()) return new TagResult(List.of(), List.of(), List.of(), List.of(), 0);
        try (GcLocks.Lease lease = GcLocks.push(remote)) {
            return pushTags(force, progress, local, refs, lease);
        }
    }

    private TagResult pushTags(
            boolean force,
            ProgressListener progress,
            SortedMap<String, ObjectId> local,
            RemoteRefs refs,
            GcLocks.Lease lease) {
        SortedMap<String, RemoteRefs.RemoteRef> remoteTags = refs.tags();
        List<String> created = new ArrayList<>();
        List<String> moved = new ArrayList<>();
        List<String> upToDate = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        Map<String, ObjectId> toSend = new java.util.TreeMap<>();
        for (Map.Entry<String, ObjectId> e : local.entrySet()) {
            String tag = e.getKey().substring(RefNames.TAGS.length());
            RemoteRefs.RemoteRef there = remoteTags.get(tag);
            if (there != null && there.commit().equals(e.getValue())) upToDate.add(tag);
            else if (there != null && !force) refused.add(tag);
            else toSend.put(tag, e.getValue());
        }
        long sentBefore = remote.meter().bytesSent();
        if (!toSend.isEmpty()) {
            Map<String, RemoteRefs.RemoteRef> reached = new java.util.HashMap<>(refs.all());
            remoteTags.forEach((t, r) -> reached.put("tag:" + t, r));
            List<ObjectId> tips = List.copyOf(new java.util.LinkedHashSet<>(toSend.values()));
            if (!follow) checkLocks(null, tips, reached);
            remote.ensureConfig(repo.config().chunking());
            finishInterruptedPush();
            RemoteIndex index = remote.indexCache().sync().index();
            List<ObjectId> data = new ArrayList<>();
            List<ObjectId> meta = new ArrayList<>();
            long bytes = plan(tips, reached, index, data, meta);
            recordPurged();
            progress.begin("Uploading", bytes, "B");
            try (PackUploader up = new PackUploader(remote, store, targetPackSize, progress)) {
                up.addAll(data);
                up.seal();
                up.addAll(meta);
                up.finish();
            } finally {
                progress.end();
            }
            lease.checkFresh("push");
            TestHooks.reached("push.beforeRef");
            for (Map.Entry<String, ObjectId> e : toSend.entrySet()) {
                String tag = e.getKey();
                RemoteRefs.RemoteRef there = remoteTags.get(tag);
                if (there == null && refs.createTag(tag, e.getValue())) {
                    created.add(tag);
                    continue;
                }
                // Created by someone else meanwhile, or there already: look again.
                RemoteRefs.RemoteRef now = refs.readTag(tag).orElse(null);
                if (now != null && now.commit().equals(e.getValue())) upToDate.add(tag);
                else if (now == null && refs.createTag(tag, e.getValue())) created.add(tag);
                else if (now != null && force && refs.moveTag(now, e.getValue())) moved.add(tag);
                else refused.add(tag);
            }
        }
        PackUploader.forgetSent(outgoing());
        return new TagResult(
                List.copyOf(created),
                List.copyOf(moved),
                List.copyOf(upToDate),
                List.copyOf(refused),
                remote.meter().bytesSent() - sentBefore);
    }

    /**
     * {@code forge push REMOTE --delete BRANCH}: removes the remote branch (if nobody moved it since it
     * was read) and its remote-tracking branch here. The objects stay (a later gc may drop them).
     */
    public ObjectId deleteBranch(String remoteBranch) {
        RemoteRefs refs = remote.refs();
        for (int attempt = 0; attempt < 5; attempt++) {
            RemoteRefs.RemoteRef there = refs.read(remoteBranch)
                    .orElseThrow(() ->
                            new NotFoundException("there is no branch '" + remoteBranch + "' on " + remote.name()));
            if (refs.delete(there)) {
                String tracking = RefNames.remoteBranch(remote.name(), remoteBranch);
                dev.forge.core.repo.Transaction tx = repo.begin("push " + remote.name() + " --delete " + remoteBranch);
                if (repo.ref(tracking).isPresent()) tx.deleteRef(tracking);
                tx.commit();
                return there.commit();
            }
            sleepBriefly(attempt);
        }
        throw new dev.forge.core.error.RemoteUnavailableException(
                "could not delete " + remote.name() + "/" + remoteBranch + ": it kept changing; try again", true);
    }

    /**
     * Uploads the packs an interrupted push left staged (skipping those that arrived whole, continuing
     * those cut off half way); returns how many packs of an interrupted push this one did not have to
     * build and send again (those it finished and those the interrupted push had sent whole: {@code
     * outgoing/sent}) and the bytes of them it did not send.
     */
    private long[] finishInterruptedPush() {
        long[] sent = PackUploader.sentByInterruptedPush(outgoing());
        try (PackUploader leftovers = new PackUploader(remote, store, targetPackSize, ProgressListener.NONE)) {
            int n = leftovers.resume();
            leftovers.finish();
            return new long[] {sent[0] + n, sent[1] + leftovers.bytesResumed()};
        }
    }

    private java.nio.file.Path outgoing() {
        return remote.stateDir().resolve("outgoing");
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }

    private void checkFastForward(String branch, String remoteBranch, RemoteRefs.RemoteRef remoteRef, ObjectId tip) {
        if (remoteRef == null || objects.isAncestor(remoteRef.commit(), tip)) return;
        String where = remote.name() + "/" + remoteBranch;
        if (!store.contains(remoteRef.commit())) {
            throw new NonFastForwardException(
                    "push rejected: " + where + " is at " + remoteRef.commit().shortHex()
                            + ", which you do not have (someone else pushed); run 'forge pull " + remote.name()
                            + "' to bring it in, then push again",
                    tip,
                    remoteRef.commit());
        }
        if (objects.isAncestor(tip, remoteRef.commit())) {
            throw new NonFastForwardException(
                    "push rejected: " + where + " (" + remoteRef.commit().shortHex() + ") is ahead of " + branch + " ("
                            + tip.shortHex() + "); run 'forge pull " + remote.name() + "' to bring it in",
                    tip,
                    remoteRef.commit());
        }
        throw new NonFastForwardException(
                "push rejected: " + where + " (" + remoteRef.commit().shortHex() + ") is not an ancestor of "
                        + branch + " (" + tip.shortHex() + "); the histories diverged: merge " + where + " into "
                        + branch + " ('forge merge "
                        + where + "'), then push again",
                tip,
                remoteRef.commit());
    }

    /**
     * Lists what to send: {@code data} gets chunks in file order, {@code meta} commits, trees and
     * lists. Returns the bytes that will go into packs.
     */
    private long plan(
            List<ObjectId> tips,
            Map<String, RemoteRefs.RemoteRef> remoteRefs,
            RemoteIndex index,
            List<ObjectId> data,
            List<ObjectId> meta) {
        Set<ObjectId> stop = new HashSet<>();
        for (RemoteRefs.RemoteRef r : remoteRefs.values()) {
            if (!full && store.contains(r.commit())) stop.add(r.commit());
        }
        Set<ObjectId> boundary = new HashSet<>();
        List<ObjectId> commits = objects.commitsBetween(tips, stop, boundary);
        // Everything under a boundary commit is on the remote: its branch was only moved after it all was.
        Set<ObjectId> have = new HashSet<>();
        for (ObjectId b : boundary) collectTrees(objects.commit(b).tree(), have);
        Set<ObjectId> seen = new HashSet<>();
        contentSeen.clear();
        purgedSkipped.clear();
        purged = dev.forge.core.retain.PurgeRecord.load(repo.forgeDir());
        long[] bytes = {0};
        absent.clear();
        for (ObjectId c : commits) {
            Commit commit = objects.commit(c);
            visitTree(commit.tree(), index, have, seen, data, meta, bytes);
            send(c, index, seen, meta, bytes);
        }
        if (!absent.isEmpty()) {
            // Chunks this repository evicted (or a lazy clone never fetched) that the remote lacks: read
            // back from the work tree, verified, or fetched from the lazy remote, before any upload.
            java.util.Map<String, dev.forge.core.model.ContentRef> wanted = new java.util.LinkedHashMap<>();
            absent.forEach((id, path) -> wanted.putIfAbsent(
                    path + " (chunk " + id.shortHex() + ")",
                    new dev.forge.core.model.ContentRef(ObjectType.CHUNK, id, 0)));
            repo.ensureLocal(wanted, "the push to " + remote.name());
            for (ObjectId id : absent.keySet()) {
                bytes[0] += store.stat(id)
                                .orElseThrow(() -> new NotFoundException("chunk " + id.shortHex() + " of "
                                        + absent.get(id) + " is not here; cannot push it"))
                                .storedLength()
                        + 48L;
            }
        }
        return bytes[0];
    }

    /** Chunks to send that are not here (evicted; a lazy clone's), with a path that holds each. */
    private final java.util.Map<ObjectId, String> absent = new java.util.LinkedHashMap<>();

    private void collectTrees(ObjectId root, Set<ObjectId> have) {
        java.util.Deque<ObjectId> todo = new java.util.ArrayDeque<>();
        todo.push(root);
        while (!todo.isEmpty()) {
            ObjectId tree = todo.pop();
            if (!have.add(tree)) continue;
            for (TreeEntry e : objects.tree(tree).entries()) {
                if (e.kind() == FileKind.DIRECTORY) todo.push(e.id());
                else have.add(e.id());
            }
        }
    }

    /**
     * Lists what {@code root} needs sent, depth first in name order (chunks in the order files use them,
     * each tree after what it holds), without recursion: a stack of the trees being visited.
     */
    private void visitTree(
            ObjectId root,
            RemoteIndex index,
            Set<ObjectId> have,
            Set<ObjectId> seen,
            List<ObjectId> data,
            List<ObjectId> meta,
            long[] bytes) {
        record Open(ObjectId tree, String prefix, java.util.Iterator<TreeEntry> entries) {}
        java.util.Deque<Open> stack = new java.util.ArrayDeque<>();
        if (have.contains(root) || seen.contains(root)) return;
        stack.push(new Open(root, "", objects.tree(root).entries().iterator()));
        while (!stack.isEmpty()) {
            Open top = stack.peek();
            if (!top.entries().hasNext()) {
                stack.pop();
                send(top.tree(), index, seen, meta, bytes);
                continue;
            }
            TreeEntry e = top.entries().next();
            if (e.kind() == FileKind.DIRECTORY) {
                if (!have.contains(e.id()) && !seen.contains(e.id()))
                    stack.push(new Open(
                            e.id(),
                            top.prefix() + e.name() + "/",
                            objects.tree(e.id()).entries().iterator()));
            } else if (!have.contains(e.id()) && !contentSeen.contains(e.id())) {
                boolean taken = e.kind() == FileKind.SYMLINK || route.takes(top.prefix() + e.name(), () -> head(e));
                if (!taken) {
                    // Outside the route: only a list goes (metadata); a one-chunk file's content is its chunk.
                    // The same content may still be taken at another path, so it is not marked seen.
                    if (e.type() == ObjectType.LIST) send(e.id(), index, seen, meta, bytes);
                    continue;
                }
                contentSeen.add(e.id());
                if (purged.contains(e.id()) && !index.contains(e.id()) && !whole(e)) {
                    // Purged here (retention or obliterate): the remote gets the record, not the content.
                    purgedSkipped.add(purged.get(e.id()).orElseThrow());
                    continue;
                }
                if (e.type() == ObjectType.LIST && route.takesAll() && !follow && index.contains(e.id())) {
                    // The remote has this list, so (chunks before lists, docs/format.md) its chunks too:
                    // nothing to read, which a lazy clone could not (the list need not be here).
                    continue;
                }
                if (e.type() == ObjectType.LIST) {
                    String path = top.prefix() + e.name();
                    if (!store.contains(e.id()) && repo.partial()) {
                        // A lazy clone that never fetched this version (a mirror wants it): fetch it now.
                        repo.ensureLocal(java.util.Map.of(path, e.content()), "the push to " + remote.name());
                    }
                    ChunkList list = objects.list(e.id());
                    for (ChunkList.ChunkRef c : list.chunks()) {
                        if (!store.contains(c.id()) && !index.contains(c.id()) && !seen.contains(c.id()))
                            absent.putIfAbsent(c.id(), path);
                        send(c.id(), index, seen, data, bytes);
                    }
                    send(e.id(), index, seen, meta, bytes);
                } else {
                    if (!store.contains(e.id()) && !index.contains(e.id()) && !seen.contains(e.id()))
                        absent.putIfAbsent(e.id(), top.prefix() + e.name());
                    send(e.id(), index, seen, data, bytes);
                }
            }
        }
    }

    /** Whether a file's content (a list and all its chunks, or its one chunk) is in the local store. */
    private boolean whole(TreeEntry e) {
        if (!store.contains(e.id())) return false;
        if (e.type() != ObjectType.LIST) return true;
        for (ChunkList.ChunkRef c : objects.list(e.id()).chunks()) if (!store.contains(c.id())) return false;
        return true;
    }

    /** Records on the remote the purged contents the pushed history names (before any ref names them). */
    private void recordPurged() {
        if (!purgedSkipped.isEmpty()) RemoteRetention.record(remote, purgedSkipped, List.of());
    }

    /** The first bytes of a file, for its media category; none when its first chunk is not here. */
    private byte[] head(TreeEntry e) {
        try {
            ChunkList.ChunkRef first = e.type() == ObjectType.LIST
                    ? objects.list(e.id()).chunks().stream().findFirst().orElse(null)
                    : new ChunkList.ChunkRef(e.id(), (int) e.size());
            if (first == null || !store.contains(first.id())) return new byte[0];
            java.nio.ByteBuffer b = objects.chunkBuffer(first);
            byte[] h = new byte[Math.min(b.remaining(), dev.forge.core.media.MediaCategory.HEAD_SIZE)];
            b.get(h);
            return h;
        } catch (dev.forge.core.error.ForgeException ex) {
            return new byte[0];
        }
    }

    private void send(ObjectId id, RemoteIndex index, Set<ObjectId> seen, List<ObjectId> out, long[] bytes) {
        if (!seen.add(id) || index.contains(id)) return;
        Optional<StoredObject> s = store.stat(id);
        if (s.isEmpty() && absent.containsKey(id)) {
            out.add(id); // made local before the upload; its size is counted then
            return;
        }
        if (s.isEmpty()) {
            throw new NotFoundException(
                    "object " + id.shortHex() + " is missing from this repository (a sparse clone?); cannot push it");
        }
        out.add(id);
        bytes[0] += s.get().storedLength() + 48L;
    }

    private void moveRef(String branch, String remoteBranch, RemoteRefs.RemoteRef before, ObjectId tip) {
        RemoteRefs refs = remote.refs();
        RemoteRefs.RemoteRef expected = before;
        for (int attempt = 0; attempt < 5; attempt++) {
            boolean moved = expected == null ? refs.create(remoteBranch, tip) : refs.move(expected, tip);
            if (moved) return;
            // Someone else moved it (or our own write landed but its answer was lost): look again.
            RemoteRefs.RemoteRef now = refs.read(remoteBranch).orElse(null);
            if (now != null && now.commit().equals(tip)) return;
            if (now != null && !follow && !objects.isAncestor(now.commit(), tip))
                checkFastForward(branch, remoteBranch, now, tip);
            expected = now;
            sleepBriefly(attempt);
        }
        throw new dev.forge.core.error.RemoteUnavailableException(
                "could not move " + remote.name() + "/" + remoteBranch + ": it kept changing while pushing; try again",
                true);
    }

    private static void sleepBriefly(int attempt) {
        try {
            // R2 allows about one write per second per key: do not hammer a ref.
            Thread.sleep(500L + java.util.concurrent.ThreadLocalRandom.current().nextLong(500L << attempt));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Moves the remote-tracking ref to what the remote now has (an op-log entry when it moved). */
    private void track(String branch, String remoteBranch, ObjectId tip) {
        String what = branch.equals(remoteBranch) ? branch : branch + ":" + remoteBranch;
        // Mirrors are pushed from several threads (MirrorSync): one transaction at a time.
        synchronized (repo) {
            repo.begin("push " + remote.name() + " " + what)
                    .setRef(RefNames.remoteBranch(remote.name(), remoteBranch), tip)
                    .commit();
        }
    }
}
