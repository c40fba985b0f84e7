package dev.forge.mirror;

import dev.forge.core.error.IntegrityException;
import dev.forge.core.model.ChunkList;
import dev.forge.core.model.FileKind;
import dev.forge.core.model.ObjectId;
import dev.forge.core.model.ObjectType;
import dev.forge.core.model.RefNames;
import dev.forge.core.model.Tree;
import dev.forge.core.model.TreeEntry;
import dev.forge.core.port.ObjectStore;
import dev.forge.core.port.ProgressListener;
import dev.forge.core.repo.ObjectReader;
import dev.forge.core.repo.Prefill;
import dev.forge.core.repo.Repository;
import dev.forge.core.repo.Transaction;
import dev.forge.mirror.format.PackIndex;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.function.Predicate;

/**
 * {@code forge fetch}: brings the remote's branches in as remote-tracking refs ({@code
 * refs/remotes/<name>/<branch>}), downloading only the objects this repository lacks.
 *
 * <p>The remote's pack indexes say where every object is, so the walk needs few round trips: one
 * for all missing commits, one per tree depth, one for chunk lists, one for chunks; each round is a
 * set of coalesced ranged reads ({@link RangeReader}). Walks stop at commits that a local or
 * remote-tracking ref already reaches. Tracking refs move only after everything they reach is
 * stored, so an interrupted fetch moves nothing, and the next one downloads only what is still
 * missing.
 *
 * <p>Objects whose local record is known to be damaged ({@link ObjectStore#knownDamaged}) count as
 * missing: every fetch first downloads again those the remote has (the new records replace the
 * damaged ones), so {@code forge fetch} repairs what reads and fsck found damaged.
 *
 * <p>An object the remote lacks (a partial mirror, a pack lost on the remote) is taken from the
 * repository's other remotes and mirrors that have it ({@link #others}): they are opened, and their
 * pack indexes synced, only when the first such object is met. Every object is verified the same way
 * whatever remote it comes from.
 *
 * <p>Peers ({@code remote.NAME.peers}): the {@code forge serve --upstream} caches of other machines of
 * a farm. Each pack of this remote has one owner among the peers, chosen by rendezvous hashing of the
 * peer's URL and the pack's id, and its ranges are read through that owner, which fetches the pack
 * from upstream once for the whole farm; so simultaneous clones on every node still take each pack
 * from the origin about once. A peer that fails or sends bytes that do not verify is dropped for the
 * rest of the command (named in {@link #droppedPeers}) and what it owed is read from the next owner, or
 * from the remote itself.
 */
public final class Fetch {
    private final Repository repo;
    private final Remote remote;
    private final ObjectStore store;
    private final ObjectReader objects;
    private Predicate<String> pathFilter;
    private boolean prune;
    private java.util.function.Supplier<List<String>> others;
    private final Map<String, Long> fromOthers = new java.util.TreeMap<>();
    private List<String> peers;
    private final Map<String, String> droppedPeers = new java.util.TreeMap<>();
    private long bytesFromOthers;
    /** Ranged reads continued from a partial file an interrupted run left, and the bytes those held. */
    private long rangesResumed;

    private long bytesResumed;

    public Fetch(Repository repo, Remote remote) {
        this.repo = repo;
        this.remote = remote;
        this.store = repo.objectStore();
        this.objects = repo.objects();
        // A lazy clone fetches no contents ahead: commands fetch what they need (LazyFetch).
        this.pathFilter = repo.lazyRemote().isPresent() ? path -> false : repo.sparse()::includes;
        // A youtube:// mirror cannot be read (its staging store keeps only what is not uploaded yet).
        this.others = () -> repo.remotes().entrySet().stream()
                .filter(e -> !e.getKey().equals(remote.name()))
                .filter(e -> !e.getValue().startsWith("youtube://"))
                .map(Map.Entry::getKey)
                .toList();
    }

    private boolean restoringVideos;

    /** For {@code forge mirror restore}: reads a YouTube mirror's staging store, refilled from downloaded videos. */
    public Fetch restoringVideos() {
        this.restoringVideos = true;
        return this;
    }

    /** The remotes (by name) to take what this one lacks from; by default every other configured remote. */
    public Fetch others(List<String> names) {
        this.others = () -> List.copyOf(names);
        return this;
    }

    /** Reads this remote's packs through these peers ({@code forge serve} URLs); default {@code remote.NAME.peers}. */
    public Fetch peers(List<String> urls) {
        this.peers = List.copyOf(urls);
        return this;
    }

    /** The peers dropped during the run, with why (they failed, or sent bytes that did not verify). */
    public Map<String, String> droppedPeers() {
        return java.util.Collections.unmodifiableMap(droppedPeers);
    }

    private List<String> peerUrls() {
        if (peers != null) return peers;
        String configured = repo.config().remotePeers().get(remote.name());
        if (configured == null) return List.of();
        List<String> out = new ArrayList<>();
        for (String u : configured.split(",")) if (!u.isBlank()) out.add(u.strip());
        return out;
    }

    /**
     * Peers get two tries, 30 s each without an answer (a peer with a cold cache first takes the pack from
     * upstream; on a busy node that can take a while), no waiting on Retry-After; a peer that fails is
     * dropped and the next owner, or the remote itself, serves what it owed. (10 s dropped healthy peers
     * of a 16-node farm on a loaded 2-core machine: docs/benchmarks.md, "Render farm".)
     */
    private static final RemoteOptions PEER_OPTIONS = new RemoteOptions(
            Remote.DEFAULT_PARALLELISM,
            new dev.forge.mirror.blob.RetryPolicy(
                    2,
                    java.time.Duration.ofMillis(100),
                    java.time.Duration.ofSeconds(1),
                    java.time.Duration.ofSeconds(30),
                    java.time.Duration.ZERO,
                    dev.forge.mirror.blob.RetryPolicy.DEFAULT_MIN_BYTES_PER_SECOND),
            dev.forge.mirror.blob.RetryListener.NONE);

    /** A peer's local state name (its folder under .forge/remotes): from its URL, path-safe. */
    private static String peerName(String url) {
        return "peer-" + blake3Hex(url).substring(0, 16);
    }

    /** Rendezvous (highest random weight) score of a peer for a pack: every node computes the same owner. */
    static long rendezvous(String peer, String packId) {
        return Long.parseUnsignedLong(blake3Hex(peer + "\n" + packId).substring(0, 16), 16);
    }

    private static String blake3Hex(String text) {
        byte[] b = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return dev.forge.core.hash.Blake3.newHasher().hash(b, 0, b.length).hex();
    }

    /** How many objects each other remote supplied (after a run). */
    public Map<String, Long> fromOthers() {
        return java.util.Collections.unmodifiableMap(fromOthers);
    }

    /**
     * Downloads the contents (chunk lists and chunks) only of files whose path passes {@code filter};
     * commits and trees are always fetched. By default the filter is the repository's sparse paths.
     */
    public Fetch onlyPaths(Predicate<String> filter) {
        this.pathFilter = filter;
        return this;
    }

    /**
     * {@code forge fetch --prune}: also removes the remote-tracking branches whose branch is gone from
     * the remote.
     */
    public Fetch prune(boolean prune) {
        this.prune = prune;
        return this;
    }

    private java.util.function.Function<SortedMap<String, ObjectId>, Prefill> prefillPlan;
    /** The remote's branches, once {@link #run} has listed them. */
    private SortedMap<String, ObjectId> remoteBranches;
    /** The files being filled as chunks arrive, from {@link #prefillPlan}; null when none. */
    private Prefill prefill;

    /**
     * For a clone: once the trees and chunk lists are here, {@code plan} is given the remote's branches
     * and may return the files of the checkout to come, which are then written as their chunks arrive
     * ({@link Prefill}); null for none. The caller closes what it returned.
     */
    public Fetch prefill(java.util.function.Function<SortedMap<String, ObjectId>, Prefill> plan) {
        this.prefillPlan = plan;
        return this;
    }

    /** One branch's move: {@code before} null when it is new here. */
    public record RefUpdate(String branch, ObjectId before, ObjectId after) {}

    /**
     * {@code skipped}: the remote's branches whose names Forge does not accept, as listed (they are
     * not fetched; everything else is); {@code repaired}: objects whose damaged local record was replaced
     * by the remote's copy.
     */
    public record Result(
            List<RefUpdate> updates,
            SortedMap<String, ObjectId> branches,
            List<String> skipped,
            long objects,
            long repaired,
            long packsRead,
            long bytesReceived,
            long requests,
            double seconds,
            List<RefUpdate> tags,
            List<String> tagConflicts,
            List<String> pruned,
            Map<String, Long> fromOthers,
            long bytesFromOthers,
            Map<String, String> droppedPeers,
            long packsResumed,
            long bytesResumed) {
        /** Every byte received: from the remote, its peers and other remotes. */
        public long bytesReceivedInAll() {
            return bytesReceived + bytesFromOthers;
        }
    }

    /** Fetches and moves the remote-tracking refs, recorded in the op log as {@code fetch <remote>}. */
    public Result run(ProgressListener progress) {
        Transaction tx = repo.begin("fetch " + remote.name());
        Result r = run(tx, progress);
        tx.commit();
        return r;
    }

    /**
     * Downloads what is missing and adds the moves of the remote-tracking refs to {@code tx} (pull and
     * clone record them with their own changes, as one operation); the caller commits it.
     */
    public Result run(Transaction tx, ProgressListener progress) {
        long start = System.nanoTime();
        if (remote.youtube().isPresent() && !restoringVideos)
            throw new dev.forge.core.error.InvalidInputException("'" + remote.name() + "' is a youtube:// mirror:"
                    + " YouTube cannot be read back; restore from the downloaded videos with 'forge mirror restore "
                    + remote.name() + " --from DIR'");
        remote.requireConfig();
        // The policy and what was purged first: a purged content is not a missing one.
        RemoteRetention.adopt(repo, remote);
        purged = dev.forge.core.retain.PurgeRecord.load(repo.forgeDir());
        RemoteRefs.Listing listing = remote.refs().list();
        SortedMap<String, RemoteRefs.RemoteRef> refs = listing.branches();
        String prefix = RefNames.REMOTES + remote.name() + "/";
        SortedMap<String, ObjectId> tracking = repo.refs(prefix);
        List<ObjectId> tips = new ArrayList<>();
        SortedMap<String, ObjectId> branches = new java.util.TreeMap<>();
        for (RemoteRefs.RemoteRef r : refs.values()) {
            branches.put(r.branch(), r.commit());
            if (!r.commit().equals(tracking.get(prefix + r.branch())) || !store.contains(r.commit()))
                tips.add(r.commit());
        }
        // Tags: a tag new here is brought in; one that exists here at another commit is kept as it is
        // (a tag never moves by itself) and reported.
        List<RefUpdate> tagUpdates = new ArrayList<>();
        List<String> tagConflicts = new ArrayList<>();
        for (RemoteRefs.RemoteRef t : remote.refs().tags().values()) {
            java.util.Optional<ObjectId> mine = repo.ref(RefNames.TAGS + t.branch());
            if (mine.isEmpty()) {
                tagUpdates.add(new RefUpdate(t.branch(), null, t.commit()));
                if (!store.contains(t.commit())) tips.add(t.commit());
            } else if (!mine.get().equals(t.commit())) {
                tagConflicts.add(t.branch());
            }
        }
        remoteBranches = branches;
        long objectsBefore = 0;
        long repaired = 0;
        Set<String> packsRead = new HashSet<>();
        Set<ObjectId> damaged = store.knownDamaged();
        if (!tips.isEmpty() || !damaged.isEmpty()) {
            RemoteIndex index = remote.indexCache().sync().index();
            try (Downloader d = new Downloader(index, progress, packsRead)) {
                // Damage first: a damaged commit or tree would stop the walk below.
                repaired = d.refetch(damaged).size();
                if (!tips.isEmpty()) download(tips, d);
                objectsBefore = d.objects - repaired;
            }
        }
        // Everything is stored: partial reads left by interrupted runs that this one did not continue go.
        sweepIncoming();
        TestHooks.reached("fetch.beforeRef");
        List<RefUpdate> updates = new ArrayList<>();
        for (RemoteRefs.RemoteRef r : refs.values()) {
            ObjectId old = tracking.get(prefix + r.branch());
            if (!r.commit().equals(old)) {
                tx.setRef(prefix + r.branch(), r.commit());
                updates.add(new RefUpdate(r.branch(), old, r.commit()));
            }
        }
        for (RefUpdate t : tagUpdates) tx.setRef(RefNames.TAGS + t.branch(), t.after());
        List<String> pruned = new ArrayList<>();
        if (prune) {
            for (String ref : tracking.keySet()) {
                String branch = ref.substring(prefix.length());
                if (!refs.containsKey(branch) && !listing.skipped().contains(branch)) {
                    tx.deleteRef(ref);
                    pruned.add(branch);
                }
            }
        }
        return new Result(
                updates,
                branches,
                listing.skipped(),
                objectsBefore,
                repaired,
                packsRead.size(),
                remote.meter().bytesReceived(),
                remote.meter().requests(),
                (System.nanoTime() - start) / 1e9,
                List.copyOf(tagUpdates),
                List.copyOf(tagConflicts),
                List.copyOf(pruned),
                Map.copyOf(fromOthers),
                bytesFromOthers,
                Map.copyOf(droppedPeers),
                rangesResumed,
                bytesResumed);
    }

    /**
     * Deletes the partial reads that are left in every remote's {@code incoming/} (this one's, its
     * peers', the other remotes'): after a fetch that completed, none is needed any more. (Fetches in
     * one repository do not run at once: they hold its lock.)
     */
    private void sweepIncoming() {
        java.nio.file.Path remotes = remote.stateDir().getParent();
        if (remotes == null || !java.nio.file.Files.isDirectory(remotes)) return;
        try (var all = java.nio.file.Files.list(remotes)) {
            for (java.nio.file.Path r : (Iterable<java.nio.file.Path>) all::iterator) {
                java.nio.file.Path dir = r.resolve(INCOMING);
                if (!java.nio.file.Files.isDirectory(dir)) continue;
                try (var s = java.nio.file.Files.list(dir)) {
                    for (java.nio.file.Path p : (Iterable<java.nio.file.Path>) s::iterator)
                        java.nio.file.Files.deleteIfExists(p);
                }
            }
        } catch (java.io.IOException | java.io.UncheckedIOException ignored) {
            // the next fetch sweeps again
        }
    }

    /** The folder of a remote's partial reads (docs/format.md, "Local state for remotes"). */
    static final String INCOMING = "incoming";

    /** Fetches every object reachable from {@code tips} that is missing here. */
    private void download(List<ObjectId> tips, Downloader d) {
        // Round 1: every commit the remote has and we lack (small; saves one round trip per generation).
        List<ObjectId> commitIds = new ArrayList<>();
        for (PackIndex p : d.index.packs()) {
            for (int i = 0; i < p.size(); i++) {
                PackIndex.Entry e = p.entry(i);
                if (e.type() == ObjectType.COMMIT) commitIds.add(e.id());
            }
        }
        d.fetch("Fetching commits", commitIds);
        Set<ObjectId> stop = new HashSet<>(repo.refs(RefNames.HEADS).values());
        stop.addAll(repo.refs(RefNames.REMOTES).values());
        stop.addAll(repo.refs(RefNames.TAGS).values());
        stop.removeIf(c -> !store.contains(c));
        List<ObjectId> commits = objects.commitsBetween(tips, stop, new HashSet<>());
        List<ObjectId> roots = new ArrayList<>();
        for (ObjectId c : commits) roots.add(objects.commit(c).tree());
        fetchContents(roots, pathFilter, d);
    }

    /**
     * Fetches what this repository lacks of the files whose paths pass {@code paths}, in every commit
     * reachable from {@code tips} ({@code forge sparse add}: more of a sparse clone, with the history a
     * clone of those paths would have). Returns the bytes received.
     */
    public long fill(Collection<ObjectId> tips, Predicate<String> paths, ProgressListener progress) {
        remote.requireConfig();
        RemoteIndex index = remote.indexCache().sync().index();
        List<ObjectId> roots = new ArrayList<>();
        for (ObjectId c : objects.commitsBetween(tips, Set.of(), new HashSet<>()))
            roots.add(objects.commit(c).tree());
        try (Downloader d = new Downloader(index, progress, new HashSet<>())) {
            fetchContents(roots, paths, d);
        }
        return remote.meter().bytesReceived();
    }

    /**
     * Downloads again those of {@code ids} (objects whose local record is damaged) that the remote has;
     * their new records replace the damaged ones. Returns the ids it fetched.
     */
    public Set<ObjectId> refetch(Collection<ObjectId> ids, ProgressListener progress) {
        if (ids.isEmpty()) return Set.of();
        remote.requireConfig();
        RemoteIndex index = remote.indexCache().sync().index();
        try (Downloader d = new Downloader(index, progress, new HashSet<>())) {
            return d.refetch(ids);
        }
    }

    /**
     * {@code forge mirror restore} when the branches cannot be fetched (a video is missing): every object of the
     * packs {@code packIds} that this repository lacks, each verified as any fetch verifies it. Returns how many.
     */
    public long packs(Collection<String> packIds, ProgressListener progress) {
        remote.requireConfig();
        RemoteIndex index = remote.indexCache().sync().index();
        List<ObjectId> ids = new ArrayList<>();
        for (PackIndex p : index.packs()) {
            if (!packIds.contains(p.packId())) continue;
            for (PackIndex.Entry e : p.entries()) if (!store.contains(e.id())) ids.add(e.id());
        }
        try (Downloader d = new Downloader(index, progress, new HashSet<>())) {
            d.fetch("Restoring", ids);
        }
        return ids.size();
    }

    /**
     * Lazy fetch: downloads exactly the given file contents (each a chunk list or a chunk) with the chunks
     * the lists name, nothing else; returns the bytes received.
     */
    public long contents(Collection<ObjectId> fileContents, ProgressListener progress) {
        remote.requireConfig();
        RemoteIndex index = remote.indexCache().sync().index();
        try (Downloader d = new Downloader(index, progress, new HashSet<>())) {
            return contents(fileContents, d);
        }
    }

    /** Purged contents read by this fetch (docs/format.md, "Purge record"); loaded by {@link #run}. */
    private dev.forge.core.retain.PurgeRecord purged;

    /** Whether {@code content} was purged: in the purge record, and neither here nor on a remote. */
    private boolean purgedHere(ObjectId content, Downloader d) {
        if (purged == null) purged = dev.forge.core.retain.PurgeRecord.load(repo.forgeDir());
        return purged.contains(content)
                && !store.contains(content)
                && d.find(content).isEmpty();
    }

    /**
     * Whether {@code list} is a purged content whose list is still stored (its pack was mostly live) but
     * some of whose chunks are gone: purged, so its chunks are not fetched.
     */
    private boolean purgedChunks(ObjectId list, Downloader d) {
        if (purged == null) purged = dev.forge.core.retain.PurgeRecord.load(repo.forgeDir());
        if (!purged.contains(list)) return false;
        for (ChunkList.ChunkRef c : objects.list(list).chunks()) {
            if (!store.contains(c.id()) && d.find(c.id()).isEmpty()) return true;
        }
        return false;
    }

    private long contents(Collection<ObjectId> fileContents, Downloader d) {
        List<ObjectId> lists = new ArrayList<>();
        List<ObjectId> chunks = new ArrayList<>();
        for (ObjectId f : fileContents) {
            if (purgedHere(f, d)) continue;
            if (d.typeOf(f) == ObjectType.LIST) lists.add(f);
            else chunks.add(f);
        }
        d.fetch("Fetching lists", lists);
        Set<ObjectId> seen = new HashSet<>(chunks);
        for (ObjectId l : lists) {
            if (purgedChunks(l, d)) continue;
            for (ChunkList.ChunkRef c : objects.list(l).chunks()) {
                if (seen.add(c.id())) chunks.add(c.id());
            }
        }
        d.fetch("Downloading", chunks);
        return remote.meter().bytesReceived();
    }

    /** Rounds 2..: trees one level at a time, then the chunk lists, then the chunks of the files {@code filter} accepts. */
    private void fetchContents(List<ObjectId> roots, Predicate<String> filter, Downloader d) {
        List<ObjectId> level = new ArrayList<>(roots);
        Set<ObjectId> seenTrees = new HashSet<>();
        Map<ObjectId, String> files = new LinkedHashMap<>();
        Map<ObjectId, String> treePaths = new java.util.HashMap<>();
        for (ObjectId t : level) treePaths.putIfAbsent(t, "");
        for (int depth = 0; !level.isEmpty(); depth++) {
            level.removeIf(t -> !seenTrees.add(t));
            if (depth >= Tree.MAX_DEPTH && !level.isEmpty()) {
                ObjectId t = level.get(0);
                String path = treePaths.get(t);
                throw new IntegrityException("tree " + t.shortHex() + " ('"
                        + (path.length() <= 80 ? path : path.substring(0, 80) + "...") + "') on the remote "
                        + remote.describe() + " is nested more than " + Tree.MAX_DEPTH
                        + " folders deep, deeper than forge reads (a damaged or hostile remote)");
            }
            d.fetch("Fetching trees", level);
            List<ObjectId> next = new ArrayList<>();
            for (ObjectId t : level) {
                String dir = treePaths.get(t);
                for (TreeEntry e : objects.tree(t).entries()) {
                    String path = dir.isEmpty() ? e.name() : dir + "/" + e.name();
                    if (e.kind() == FileKind.DIRECTORY) {
                        if (!seenTrees.contains(e.id())) {
                            next.add(e.id());
                            treePaths.putIfAbsent(e.id(), path);
                        }
                    } else if (filter.test(path)) {
                        files.putIfAbsent(e.id(), path);
                    }
                }
            }
            level = next;
        }
        // Then chunk lists, then chunks.
        List<ObjectId> lists = new ArrayList<>();
        List<ObjectId> chunks = new ArrayList<>();
        for (ObjectId f : files.keySet()) {
            if (purgedHere(f, d)) continue;
            if (d.typeOf(f) == ObjectType.LIST) lists.add(f);
            else chunks.add(f);
        }
        d.fetch("Fetching lists", lists);
        Set<ObjectId> seenChunks = new HashSet<>(chunks);
        for (ObjectId l : lists) {
            if (purgedChunks(l, d)) continue;
            for (ChunkList.ChunkRef c : objects.list(l).chunks()) {
                if (seenChunks.add(c.id())) chunks.add(c.id());
            }
        }
        if (prefillPlan != null && remoteBranches != null && !chunks.isEmpty())
            prefill = prefillPlan.apply(remoteBranches);
        d.fetch("Downloading", chunks);
    }

    /** One fetch's downloads: which are missing, where they are, and the rounds of ranged reads. */
    private final class Downloader implements AutoCloseable {
        final RemoteIndex index;
        final ProgressListener progress;
        final Set<String> packsRead;
        long objects;
        /** The other remotes with their indexes, opened at the first object this remote lacks. */
        private List<Source> sources;

        private record Source(Remote remote, RemoteIndex index) {}

        /** The peers still in use, opened at the first read (none when not configured). */
        private List<Remote> livePeers;

        private List<Remote> livePeers() {
            if (livePeers != null) return livePeers;
            livePeers = new ArrayList<>();
            for (String url : peerUrls()) {
                try {
                    RemoteUrl parsed = RemoteUrl.parse(url, repo.root());
                    if (!(parsed instanceof RemoteUrl.Http))
                        throw new dev.forge.core.error.InvalidInputException(
                                "a peer is an http(s) URL of 'forge serve'");
                    livePeers.add(Remote.open(peerName(url), parsed, repo.forgeDir(), PEER_OPTIONS));
                } catch (dev.forge.core.error.ForgeException e) {
                    droppedPeers.put(url, e.getMessage());
                }
            }
            return livePeers;
        }

        /** Each pack's owner among the live peers, worked out once per pack (forgotten when a peer drops). */
        private final Map<String, Optional<Remote>> owners = new java.util.HashMap<>();

        /** The live peer that owns {@code packId} (highest rendezvous score), or null when none is left. */
        private Remote owner(String packId) {
            if (livePeers().isEmpty()) return null;
            return owners.computeIfAbsent(packId, id -> Optional.ofNullable(rendezvousOwner(id)))
                    .orElse(null);
        }

        private Remote rendezvousOwner(String packId) {
            Remote best = null;
            long bestScore = Long.MIN_VALUE;
            for (Remote p : livePeers()) {
                long score = rendezvous(p.describe(), packId);
                if (best == null || score > bestScore) {
                    best = p;
                    bestScore = score;
                }
            }
            return best;
        }

        private void drop(Remote peer, RuntimeException why) {
            livePeers.remove(peer);
            owners.clear();
            droppedPeers.put(peer.describe(), why.getMessage());
            peer.close();
        }

        private List<Source> sources() {
            if (sources != null) return sources;
            sources = new ArrayList<>();
            for (String name : others.get()) {
                Remote r = null;
                try {
                    r = new Remotes(repo).open(name, remote.parallelism());
                    if (r.config().isPresent()) {
                        sources.add(new Source(r, r.indexCache().sync().index()));
                        continue;
                    }
                } catch (dev.forge.core.error.ForgeException e) {
                    // Unreachable or not a forge remote: it cannot help; the object stays missing.
                }
                if (r != null) r.close();
            }
            return sources;
        }

        /** Where {@code id} is: this remote first, then the others; empty when none has it. */
        private java.util.Optional<Map.Entry<Remote, RemoteIndex.Location>> find(ObjectId id) {
            var here = index.locate(id);
            if (here.isPresent()) return java.util.Optional.of(Map.entry(remote, here.get()));
            for (Source src : sources()) {
                var there = src.index().locate(id);
                if (there.isPresent()) return java.util.Optional.of(Map.entry(src.remote(), there.get()));
            }
            return java.util.Optional.empty();
        }

        @Override
        public void close() {
            if (sources != null) for (Source src : sources) src.remote().close();
            if (livePeers != null) for (Remote p : livePeers) p.close();
        }

        Downloader(RemoteIndex index, ProgressListener progress, Set<String> packsRead) {
            this.index = index;
            this.progress = progress;
            this.packsRead = packsRead;
        }

        ObjectType typeOf(ObjectId id) {
            var s = store.stat(id);
            if (s.isPresent()) return s.get().type();
            return find(id).map(l -> l.getValue().entry().type()).orElseThrow(() -> missing(id));
        }

        IntegrityException missing(ObjectId id) {
            String also = sources == null || sources.isEmpty()
                    ? ""
                    : ", and so do "
                            + String.join(
                                    ", ",
                                    sources.stream().map(x -> x.remote().name()).toList());
            return new IntegrityException("the remote " + remote.describe() + " lacks object " + id.shortHex()
                    + " that its branches need (a damaged or incomplete remote)" + also);
        }

        /** Fetches those of {@code damaged} that the remote has and returns them. */
        Set<ObjectId> refetch(Collection<ObjectId> damaged) {
            Set<ObjectId> there = new HashSet<>();
            for (ObjectId id : damaged) {
                if (!store.containsIntact(id) && index.contains(id)) there.add(id);
            }
            fetch("Repairing", there);
            return there;
        }

        void fetch(String phase, Collection<ObjectId> ids) {
            // Rounds: a peer that fails is dropped and what it owed is planned again.
            while (true) {
                Map<Remote, List<RemoteIndex.Location>> wanted = plan(ids);
                wanted.values().removeIf(List::isEmpty);
                if (wanted.isEmpty()) return;
                Map<Remote, RuntimeException> failed = readAll(phase, wanted);
                boolean peerFailed = false;
                for (Map.Entry<Remote, RuntimeException> f : failed.entrySet()) {
                    if (livePeers == null || !livePeers.contains(f.getKey())) throw f.getValue();
                    drop(f.getKey(), f.getValue());
                    peerFailed = true;
                }
                if (!peerFailed) return;
            }
        }

        /**
         * Reads each source's share, the sources at once (one progress bar for all); the transfers in
         * flight are shared among them. Returns the sources that failed, with why.
         */
        private Map<Remote, RuntimeException> readAll(String phase, Map<Remote, List<RemoteIndex.Location>> wanted) {
            Map<Remote, List<RangeReader.Request>> requests = new LinkedHashMap<>();
            long bytes = 0;
            for (Map.Entry<Remote, List<RemoteIndex.Location>> w : wanted.entrySet()) {
                List<RangeReader.Request> r = RangeReader.plan(w.getValue());
                requests.put(w.getKey(), r);
                bytes += RangeReader.bytes(r);
            }
            int each = Math.max(2, Math.max(remote.parallelism(), 2) * 2 / requests.size());
            Map<Remote, RuntimeException> failed = new java.util.concurrent.ConcurrentHashMap<>();
            Remote only = requests.size() == 1 ? requests.keySet().iterator().next() : null;
            progress.begin(only == null || only == remote ? phase : phase + " (from " + label(only) + ")", bytes, "B");
            try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
                for (Map.Entry<Remote, List<RangeReader.Request>> r : requests.entrySet()) {
                    pool.submit(() -> {
                        try {
                            read(r.getKey(), r.getValue(), only != null ? Math.max(remote.parallelism(), 2) * 2 : each);
                        } catch (RuntimeException e) {
                            failed.put(r.getKey(), e);
                        }
                    });
                }
            } finally {
                progress.end();
            }
            return failed;
        }

        /** Where to read each wanted object: this remote's packs through their owner peer, else the remote. */
        private Map<Remote, List<RemoteIndex.Location>> plan(Collection<ObjectId> ids) {
            Map<Remote, List<RemoteIndex.Location>> wanted = new LinkedHashMap<>();
            for (ObjectId id : ids) {
                if (store.containsIntact(id)) continue;
                var where = find(id).orElseThrow(() -> missing(id));
                Remote from = where.getKey();
                if (from == remote) {
                    Remote owner = owner(where.getValue().packId());
                    if (owner != null) from = owner;
                }
                wanted.computeIfAbsent(from, k -> new ArrayList<>()).add(where.getValue());
            }
            return wanted;
        }

        private String label(Remote from) {
            return livePeers != null && livePeers.contains(from) ? from.describe() : from.name();
        }

        private void read(Remote from, List<RangeReader.Request> requests, int parallelism) {
            boolean peer = livePeers != null && livePeers.contains(from);
            if (from == remote || peer) {
                synchronized (packsRead) {
                    for (RangeReader.Request r : requests) packsRead.add(r.packId());
                }
            }
            RangeReader reader = new RangeReader(
                            from.blobs(), store, parallelism, from.stateDir().resolve(INCOMING))
                    .prefill(prefill);
            long before = from.meter().bytesReceived();
            try {
                reader.run(requests, progress);
            } finally {
                synchronized (this) {
                    if (from != remote) bytesFromOthers += from.meter().bytesReceived() - before;
                    objects += reader.objects();
                    rangesResumed += reader.resumed();
                    bytesResumed += reader.bytesResumed();
                    if (from != remote) fromOthers.merge(label(from), reader.objects(), Long::sum);
                }
            }
        }
    }
}
