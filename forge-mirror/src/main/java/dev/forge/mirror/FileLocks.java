package dev.forge.mirror;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forge.core.error.ForgeException;
import dev.forge.core.error.LockHeldException;
import dev.forge.core.error.NotFoundException;
import dev.forge.core.hash.Blake3;
import dev.forge.core.model.FileKind;
import dev.forge.core.model.ObjectId;
import dev.forge.core.model.PathText;
import dev.forge.core.model.TreeEntry;
import dev.forge.core.port.BlobStore;
import dev.forge.core.repo.Identity;
import dev.forge.core.repo.ObjectReader;
import dev.forge.core.repo.Repository;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;

/**
 * File locks on a remote ({@code forge lock}, docs/format.md "Locks"): one blob per locked path,
 * {@code locks/files/<BLAKE3 of the path, hex>}, holding a small JSON document that says who holds it.
 * A lock is taken by create-if-absent, so of many clients locking one path at once exactly one wins
 * (the {@link BlobStore} contract); the others read the winner and are refused with its name.
 *
 * <p>The blob's name depends on the path only, so whether a path is locked is answered by one
 * listing of {@code locks/files/} without reading any lock: a push hashes the paths it changes and
 * reads only the locks among them. Who holds a lock is the clone that took it ({@link Owner#cloneId}), so
 * one person's two machines are told apart.
 *
 * <p>A lock is let go by deleting its blob after reading that it is still ours; {@code --force}
 * deletes another's. This clone remembers the locks it took ({@code .forge/remotes/NAME/locks}), so
 * that a lock broken by someone else is reported at the next push or {@code forge locks}.
 */
public final class FileLocks {
    public static final String PREFIX = "locks/files/";
    /** A lock blob is a few hundred bytes; anything much longer is not read. */
    private static final int MAX_LOCK_BYTES = 64 * 1024;

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Who takes locks from this clone: the commit identity and the clone's own id. */
    public record Owner(String who, String cloneId) {}

    /**
     * One lock as stored. {@code branch} is the branch it was taken on (null: taken on a detached HEAD,
     * it guards every branch); {@code id} is unique to this taking of the lock.
     */
    public record Lock(
            String path, String owner, String cloneId, String branch, Instant since, String message, String id) {
        public boolean heldBy(Owner o) {
            return cloneId.equals(o.cloneId());
        }

        /** {@code Ana <ana@studio.example> (clone 3fa9c2d1, on main since 2026-12-06T23:51:12Z: "why")}. */
        public String describe() {
            return owner + " (clone " + shortClone(cloneId) + (branch == null ? "" : ", on " + branch) + " since "
                    + since + (message == null || message.isEmpty() ? "" : ": \"" + message + "\"") + ")";
        }
    }

    /** The outcome of {@link #lock}: the lock, and whether this clone held it already. */
    public record Taken(Lock lock, boolean already) {}

    /** A lock this clone took that is gone or is now someone else's ({@code now}, null when gone). */
    public record Broken(String path, Lock now) {}

    private final Remote remote;
    private final BlobStore blobs;

    public FileLocks(Remote remote) {
        this.remote = remote;
        this.blobs = remote.blobs();
    }

    /** The owner of locks taken from {@code repo}: {@link Identity#author} and the clone's id. */
    public static Owner owner(Repository repo) {
        return new Owner(Identity.author(repo), cloneId(repo.forgeDir()));
    }

    /** The blob that holds {@code path}'s lock. */
    public static String blobName(String path) {
        byte[] utf8 = path.getBytes(StandardCharsets.UTF_8);
        return PREFIX + Blake3.newHasher().hash(utf8, 0, utf8.length).hex();
    }

    /**
     * Locks {@code path} for {@code me}. Returns the lock (already held when this clone held it);
     * throws {@link LockHeldException} naming the holder when someone else holds it.
     */
    public Taken lock(String path, Owner me, String branch, String message) {
        Taken t = take(path, me, branch, message);
        remember(List.of(t.lock()));
        return t;
    }

    /**
     * One path's outcome in {@link #lockAll} or {@link #unlockAll}: the value, or why this path was
     * refused ({@link LockHeldException}: another's lock, exit 9; {@link NotFoundException}: not locked).
     */
    public record Outcome<T>(String path, T value, ForgeException refused) {}

    /**
     * Locks each of {@code paths} for {@code me}, {@code parallelism} at a time (a folder of a thousand
     * frames is a thousand conditional writes: one at a time they take a minute on S3). A path held by
     * someone else is refused without stopping the others. This clone's record of its locks is written
     * once, for all of them, even when a remote failure ends the command (then that failure is thrown,
     * and what was taken stays taken).
     */
    public List<Outcome<Taken>> lockAll(List<String> paths, Owner me, String branch, String message, int parallelism) {
        return eachPath(paths, parallelism, p -> take(p, me, branch, message), done -> {
            List<Lock> taken = new ArrayList<>();
            for (Outcome<Taken> o : done)
                if (o.value() != null) taken.add(o.value().lock());
            remember(taken);
        });
    }

    /**
     * Unlocks each of {@code paths} as {@link #unlock} does, {@code parallelism} at a time; a path
     * refused does not stop the others, and this clone's record of its locks is written once.
     */
    public List<Outcome<Lock>> unlockAll(List<String> paths, Owner me, boolean force, int parallelism) {
        return eachPath(paths, parallelism, p -> release(p, me, force), done -> {
            List<String> gone = new ArrayList<>();
            for (Outcome<Lock> o : done) if (o.value() != null) gone.add(o.path());
            forget(gone);
        });
    }

    /**
     * Runs {@code action} on every path, {@code parallelism} at a time; outcomes in the order of {@code
     * paths}. {@code always} sees them all before the first failure that is not a refusal is thrown.
     */
    private static <T> List<Outcome<T>> eachPath(
            List<String> paths,
            int parallelism,
            java.util.function.Function<String, T> action,
            java.util.function.Consumer<List<Outcome<T>>> always) {
        List<Outcome<T>> out = new ArrayList<>();
        RuntimeException failure = null;
        try (ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(parallelism, paths.size())))) {
            List<Future<T>> tries = new ArrayList<>();
            for (String p : paths) tries.add(pool.submit(() -> action.apply(p)));
            for (int i = 0; i < paths.size(); i++) {
                try {
                    out.add(new Outcome<>(paths.get(i), tries.get(i).get(), null));
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof LockHeldException || e.getCause() instanceof NotFoundException) {
                        out.add(new Outcome<>(paths.get(i), null, (ForgeException) e.getCause()));
                    } else if (failure == null) {
                        failure = Parallel.unwrap(e.getCause());
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    if (failure == null) failure = new ForgeException("interrupted");
                }
            }
        }
        always.accept(out);
        if (failure != null) throw failure;
        return out;
    }

    /** Takes {@code path}'s lock on the remote (see {@link #lock}); this clone's record is not written. */
    private Taken take(String path, Owner me, String branch, String message) {
        String name = blobName(path);
        Lock mine = new Lock(
                path,
                me.who(),
                me.cloneId(),
                branch,
                Instant.now().truncatedTo(ChronoUnit.SECONDS),
                message,
                HexFormat.of().formatHex(randomBytes()));
        for (int attempt = 0; attempt < 5; attempt++) {
            if (blobs.putIfAbsent(name, encode(mine))) return new Taken(mine, false);
            Optional<Lock> current = read(name, path);
            if (current.isEmpty()) continue; // unlocked meanwhile: try again
            Lock held = current.get();
            if (held.id().equals(mine.id())) return new Taken(mine, false); // our own create, its answer lost
            if (held.heldBy(me)) return new Taken(held, true);
            throw new LockHeldException(PathText.quote(path) + " is locked by " + held.describe() + " on "
                    + remote.name() + "; ask them to unlock it, or break the lock with 'forge unlock --force'");
        }
        throw new ForgeException("could not lock " + PathText.quote(path) + ": it kept being locked and unlocked"
                + " by others; try again");
    }

    /**
     * Unlocks {@code path}: ours, or with {@code force} anyone's. Returns the lock removed; throws
     * {@link NotFoundException} when it is not locked and {@link LockHeldException} when someone else
     * holds it and {@code force} is not given.
     */
    public Lock unlock(String path, Owner me, boolean force) {
        Lock l = release(path, me, force);
        forget(Set.of(path));
        return l;
    }

    /** Removes {@code path}'s lock on the remote (see {@link #unlock}); this clone's record is not written. */
    private Lock release(String path, Owner me, boolean force) {
        String name = blobName(path);
        Lock held = read(name, path)
                .orElseThrow(() -> new NotFoundException(PathText.quote(path) + " is not locked on " + remote.name()));
        if (!held.heldBy(me) && !force) {
            throw new LockHeldException(PathText.quote(path) + " is locked by " + held.describe()
                    + ", not by this clone; 'forge unlock --force' breaks another's lock");
        }
        // No conditional delete exists on every store (S3Proxy refuses If-Match on DELETE): the lock
        // read just above is removed unconditionally, as git-lfs servers do.
        blobs.delete(name);
        return held;
    }

    /** The lock on {@code path}, if any. */
    public Optional<Lock> find(String path) {
        return read(blobName(path), path);
    }

    /** The names of every lock blob: one listing (paginated by the store), no lock read. */
    public Set<String> lockedBlobs() {
        Set<String> out = new HashSet<>();
        for (BlobStore.BlobInfo b : blobs.list(PREFIX)) out.add(b.name());
        return out;
    }

    /** Up to this many paths, {@link #locksOn} reads their locks directly instead of listing every lock. */
    static final int DIRECT_READS = 16;

    /**
     * The locks on those of {@code paths} that are locked. A few paths (an artist's push): their lock
     * blobs are read directly, in parallel, one round trip whatever the number of locks on the remote.
     * More: one listing of every lock (paginated), then reads of only the listed ones among them.
     */
    public Map<String, Lock> locksOn(Collection<String> paths) {
        List<String> ask = new ArrayList<>(new java.util.LinkedHashSet<>(paths));
        if (ask.size() > DIRECT_READS) {
            Set<String> locked = lockedBlobs();
            ask.removeIf(p -> !locked.contains(blobName(p)));
        }
        Map<String, Lock> out = new LinkedHashMap<>();
        for (Outcome<Optional<Lock>> o : eachPath(ask, 8, p -> read(blobName(p), p), done -> {})) {
            o.value().ifPresent(l -> out.put(o.path(), l));
        }
        return out;
    }

    /**
     * Every lock on the remote, by path: one listing (paginated by the store), then only the locks
     * that changed since this clone last read them, in parallel. A listing that gives each blob's
     * version token (S3's ETag) lets the locks read before come from {@code .forge/remotes/NAME/lock-cache};
     * a folder store gives none, so its locks are read each time (plain file reads).
     */
    public List<Lock> all(int parallelism) {
        List<BlobStore.BlobInfo> listed = blobs.list(PREFIX);
        List<Lock> out = new ArrayList<>();
        Map<String, String[]> cache = readCache();
        Map<String, String[]> next = new HashMap<>();
        List<BlobStore.BlobInfo> toRead = new ArrayList<>();
        long misses = listed.stream()
                .filter(b -> {
                    String[] hit = cache.get(b.name());
                    return hit == null || !hit[0].equals(normalToken(b.token()));
                })
                .count();
        if (misses >= SNAPSHOT_MIN) fromSnapshot(listed, cache);
        for (BlobStore.BlobInfo b : listed) {
            String[] hit = cache.get(b.name());
            String token = normalToken(b.token());
            if (token != null && hit != null && hit[0].equals(token)) {
                out.add(decode(java.util.Base64.getDecoder().decode(hit[1]), b.name()));
                next.put(b.name(), hit);
            } else {
                toRead.add(b);
            }
        }
        if (!toRead.isEmpty()) {
            try (ExecutorService pool =
                    Executors.newFixedThreadPool(Math.max(1, Math.min(parallelism, toRead.size())))) {
                List<Future<Optional<BlobStore.Versioned>>> reads = new ArrayList<>();
                for (BlobStore.BlobInfo b : toRead) reads.add(pool.submit(() -> blobs.get(b.name())));
                Parallel.awaitAll(reads);
                for (int i = 0; i < toRead.size(); i++) {
                    BlobStore.BlobInfo b = toRead.get(i);
                    Optional<BlobStore.Versioned> v = reads.get(i).resultNow();
                    if (v.isEmpty()) continue; // unlocked since the listing
                    out.add(decode(v.get().data(), b.name()));
                    // Cached only when what was read is the version listed, so a token never names other bytes.
                    String token = normalToken(b.token());
                    if (token != null && token.equals(normalToken(v.get().token())))
                        next.put(b.name(), new String[] {
                            token,
                            java.util.Base64.getEncoder().encodeToString(v.get().data())
                        });
                }
            }
        }
        if (!next.equals(cache)) writeCache(next);
        if (toRead.size() >= SNAPSHOT_MIN && !next.isEmpty()) {
            try {
                blobs.put(SNAPSHOT, format(next).getBytes(StandardCharsets.US_ASCII));
            } catch (RuntimeException e) {
                // Only a shortcut for other clones: they read the locks themselves.
            }
        }
        out.sort(Comparator.comparing(Lock::path));
        return out;
    }

    /**
     * The locks as one clone last read them all, for every other clone's first {@code forge locks}: the
     * listing plus this one read, not a read per lock. Same lines as the local cache.
     */
    static final String SNAPSHOT = "locks/snapshot";

    /** Misses in the local cache from which the shared snapshot is worth reading (and writing). */
    static final int SNAPSHOT_MIN = 64;

    /**
     * Adds to {@code cache} the entries of the remote's lock snapshot that are still current (their
     * token is the one listed) and that their token vouches for: S3's ETag is the MD5 of a small
     * object's bytes, GitHub's sha the git blob id, so a stale or forged snapshot line is never
     * believed. Best effort: no snapshot, or one that cannot be read, adds nothing.
     */
    private void fromSnapshot(List<BlobStore.BlobInfo> listed, Map<String, String[]> cache) {
        Map<String, String> listedTokens = new HashMap<>();
        for (BlobStore.BlobInfo b : listed) {
            String t = normalToken(b.token());
            if (t != null) listedTokens.put(b.name(), t);
        }
        if (listedTokens.isEmpty()) return;
        try {
            Optional<BlobStore.Versioned> snap = blobs.get(SNAPSHOT);
            if (snap.isEmpty()) return;
            String text = new String(snap.get().data(), StandardCharsets.US_ASCII);
            for (Map.Entry<String, String[]> e : parse(text.lines().toList()).entrySet()) {
                String token = e.getValue()[0];
                if (!token.equals(listedTokens.get(e.getKey()))) continue;
                byte[] data = java.util.Base64.getDecoder().decode(e.getValue()[1]);
                if (tokenVouchesFor(token, data)) cache.put(e.getKey(), e.getValue());
            }
        } catch (RuntimeException e) {
            // read the locks one by one instead
        }
    }

    /**
     * Whether {@code token} is a hash of {@code data}: an S3 ETag (MD5), a git blob id (SHA-1), or a Dropbox or
     * Drive token ending in {@code #} and the Dropbox content hash of the bytes.
     */
    static boolean tokenVouchesFor(String token, byte[] data) {
        int mark = token.lastIndexOf('#');
        if (mark >= 0) {
            return token.length() - mark - 1 == 64
                    && dev.forge.mirror.dropbox.DropboxContentHash.of(data).equalsIgnoreCase(token.substring(mark + 1));
        }
        try {
            if (token.length() == 32) {
                return HexFormat.of()
                        .formatHex(
                                java.security.MessageDigest.getInstance("MD5").digest(data))
                        .equalsIgnoreCase(token);
            }
            if (token.length() == 40) {
                java.security.MessageDigest sha1 = java.security.MessageDigest.getInstance("SHA-1");
                sha1.update(("blob " + data.length + "\0").getBytes(StandardCharsets.US_ASCII));
                return HexFormat.of().formatHex(sha1.digest(data)).equalsIgnoreCase(token);
            }
            return false;
        } catch (java.security.NoSuchAlgorithmException e) {
            return false;
        }
    }

    private static String normalToken(String token) {
        if (token == null) return null;
        String t = token.strip();
        if (t.length() >= 2 && t.startsWith("\"") && t.endsWith("\"")) t = t.substring(1, t.length() - 1);
        return t.isEmpty() || t.indexOf(' ') >= 0 ? null : t;
    }

    private Path cacheFile() {
        return remote.stateDir().resolve("lock-cache");
    }

    /** {@code NAME TOKEN BASE64} lines: locks as last read; a damaged file is an empty cache. */
    private Map<String, String[]> readCache() {
        Map<String, String[]> out = new HashMap<>();
        Path f = cacheFile();
        if (!Files.isRegularFile(f)) return out;
        try {
            return parse(Files.readAllLines(f, StandardCharsets.US_ASCII));
        } catch (IOException | RuntimeException e) {
            return out;
        }
    }

    private static Map<String, String[]> parse(List<String> lines) {
        Map<String, String[]> out = new HashMap<>();
        for (String line : lines) {
            String[] parts = line.split(" ");
            if (parts.length == 3 && parts[0].startsWith(PREFIX)) out.put(parts[0], new String[] {parts[1], parts[2]});
        }
        return out;
    }

    private static String format(Map<String, String[]> cache) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, String[]> e : new java.util.TreeMap<>(cache).entrySet()) {
            sb.append(e.getKey())
                    .append(' ')
                    .append(e.getValue()[0])
                    .append(' ')
                    .append(e.getValue()[1])
                    .append('\n');
        }
        return sb.toString();
    }

    private void writeCache(Map<String, String[]> cache) {
        Path f = cacheFile();
        String sb = format(cache);
        try {
            Files.createDirectories(f.getParent());
            Path tmp =
                    f.resolveSibling("lock-cache.tmp" + ProcessHandle.current().pid());
            Files.writeString(tmp, sb, StandardCharsets.US_ASCII);
            Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            // only a cache: the next listing reads the locks again
        }
    }

    /**
     * The locks this clone took that are gone or someone else's now (broken with {@code forge unlock
     * --force}); they are forgotten, so each is reported once. Reads only this clone's own locks.
     */
    public List<Broken> broken() {
        Map<String, String> mine = remembered();
        List<Broken> out = new ArrayList<>();
        if (mine.isEmpty()) return out;
        // A few locks of ours: read directly. Many: the cached listing of all (a push of an artist who
        // holds a thousand frames must not read a thousand locks).
        Map<String, Lock> now = new HashMap<>();
        if (mine.size() > DIRECT_READS) {
            for (Lock l : all(8)) now.put(l.path(), l);
        } else {
            List<String> paths = new ArrayList<>(mine.keySet());
            for (Outcome<Optional<Lock>> o : eachPath(paths, 8, p -> read(blobName(p), p), done -> {})) {
                o.value().ifPresent(l -> now.put(o.path(), l));
            }
        }
        for (Map.Entry<String, String> e : mine.entrySet()) {
            Lock l = now.get(e.getKey());
            if (l == null || !l.id().equals(e.getValue())) out.add(new Broken(e.getKey(), l));
        }
        if (!out.isEmpty()) forget(out.stream().map(Broken::path).toList());
        return out;
    }

    /**
     * Whether a lock taken on {@code lockBranch} guards {@code branch}: the same branch, or a lock taken
     * on a mainline branch (those the others merge into, {@code lock.mainline}), or one taken on a
     * detached HEAD.
     */
    public static boolean guards(Lock lock, String branch, Set<String> mainline) {
        return lock.branch() == null || lock.branch().equals(branch) || mainline.contains(lock.branch());
    }

    private Optional<Lock> read(String name, String expectedPath) {
        Optional<BlobStore.Versioned> v = blobs.get(name);
        if (v.isEmpty()) return Optional.empty();
        Lock l = decode(v.get().data(), name);
        if (expectedPath != null && !l.path().equals(expectedPath) && !l.path().isEmpty()) {
            throw new dev.forge.core.error.IntegrityException("the remote " + blobs.describe() + " has a lock " + name
                    + " for " + PathText.quote(l.path()) + " where " + PathText.quote(expectedPath) + " belongs");
        }
        return Optional.of(expectedPath != null && l.path().isEmpty() ? withPath(l, expectedPath) : l);
    }

    private static Lock withPath(Lock l, String path) {
        return new Lock(path, l.owner(), l.cloneId(), l.branch(), l.since(), l.message(), l.id());
    }

    static byte[] encode(Lock l) {
        ObjectNode o = JSON.createObjectNode();
        o.put("lock", 1);
        o.put("path", l.path());
        o.put("owner", l.owner());
        o.put("clone", l.cloneId());
        if (l.branch() != null) o.put("branch", l.branch());
        o.put("since", l.since().toString());
        if (l.message() != null) o.put("message", l.message());
        o.put("id", l.id());
        try {
            return (JSON.writeValueAsString(o) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Reads a lock blob. One that is damaged or from a future version still reads as a lock (held by
     * "unknown", so only {@code --force} removes it): a lock must never read as absent.
     */
    static Lock decode(byte[] data, String name) {
        String fallbackId = "damaged-" + name;
        if (data.length > MAX_LOCK_BYTES)
            return new Lock("", "(unreadable lock)", "", null, Instant.EPOCH, null, fallbackId);
        try {
            JsonNode o = JSON.readTree(data);
            Instant since;
            try {
                since = Instant.parse(o.path("since").asText(""));
            } catch (DateTimeParseException e) {
                since = Instant.EPOCH;
            }
            return new Lock(
                    o.path("path").asText(""),
                    o.path("owner").asText("(unknown)"),
                    o.path("clone").asText(""),
                    o.hasNonNull("branch") ? o.get("branch").asText() : null,
                    since,
                    o.hasNonNull("message") ? o.get("message").asText() : null,
                    o.path("id").asText(fallbackId));
        } catch (IOException | RuntimeException e) {
            return new Lock("", "(unreadable lock)", "", null, Instant.EPOCH, null, fallbackId);
        }
    }

    static String shortClone(String clone) {
        return clone.length() > 8 ? clone.substring(0, 8) : clone.isEmpty() ? "?" : clone;
    }

    private static byte[] randomBytes() {
        byte[] r = new byte[16];
        ThreadLocalRandom.current().nextBytes(r);
        return r;
    }

    // --- this clone's own locks: .forge/remotes/NAME/locks, one "ID PATH" line each ---

    private Path memory() {
        return remote.stateDir().resolve("locks");
    }

    private synchronized Map<String, String> remembered() {
        Map<String, String> out = new LinkedHashMap<>();
        Path f = memory();
        if (!Files.exists(f)) return out;
        try {
            for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                int sp = line.indexOf(' ');
                if (sp > 0) out.put(line.substring(sp + 1), line.substring(0, sp));
            }
        } catch (IOException e) {
            throw new ForgeException("cannot read " + f + ": " + e.getMessage(), e);
        }
        return out;
    }

    private synchronized void remember(Collection<Lock> locks) {
        if (locks.isEmpty()) return;
        Map<String, String> m = remembered();
        for (Lock l : locks) m.put(l.path(), l.id());
        save(m);
    }

    private synchronized void forget(Collection<String> paths) {
        Map<String, String> m = remembered();
        if (m.keySet().removeAll(new HashSet<>(paths))) save(m);
    }

    private void save(Map<String, String> m) {
        Path f = memory();
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, String> e : m.entrySet())
            sb.append(e.getValue()).append(' ').append(e.getKey()).append('\n');
        try {
            Files.createDirectories(f.getParent());
            Path tmp = f.resolveSibling("locks.tmp" + ProcessHandle.current().pid());
            Files.writeString(tmp, sb, StandardCharsets.UTF_8);
            Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new ForgeException("cannot write " + f + ": " + e.getMessage(), e);
        }
    }

    /** This clone's id: made at random on first use and kept in {@code .forge/clone-id}. */
    static String cloneId(Path forgeDir) {
        Path f = forgeDir.resolve("clone-id");
        try {
            if (Files.exists(f)) {
                String id = Files.readString(f, StandardCharsets.US_ASCII).strip();
                if (id.matches("[0-9a-f]{32}")) return id;
            }
            String id = HexFormat.of().formatHex(randomBytes());
            Path tmp = forgeDir.resolve("clone-id.tmp" + ProcessHandle.current().pid());
            Files.writeString(tmp, id + "\n", StandardCharsets.US_ASCII);
            try {
                // A concurrent first use may have written one meanwhile: keep whichever landed first.
                Files.createLink(f, tmp);
            } catch (java.nio.file.FileAlreadyExistsException e) {
                // fall through and read it
            } catch (UnsupportedOperationException | IOException e) {
                if (!Files.exists(f)) Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
            return Files.readString(f, StandardCharsets.US_ASCII).strip();
        } catch (IOException e) {
            throw new ForgeException("cannot read or write " + f + ": " + e.getMessage(), e);
        }
    }

    /**
     * Adds to {@code out} every file path that differs between two trees (null: the empty tree),
     * skipping equal subtrees whole.
     */
    public static void changedPaths(ObjectReader objects, ObjectId a, ObjectId b, String prefix, Set<String> out) {
        // A work list, not recursion: a tree may be deeper than the stack (trees are walked iteratively).
        record Pair(ObjectId a, ObjectId b, String prefix) {}
        java.util.ArrayDeque<Pair> todo = new java.util.ArrayDeque<>();
        todo.push(new Pair(a, b, prefix));
        while (!todo.isEmpty()) {
            Pair p = todo.pop();
            if (java.util.Objects.equals(p.a(), p.b())) continue;
            Map<String, TreeEntry> ea = entries(objects, p.a());
            Map<String, TreeEntry> eb = entries(objects, p.b());
            Set<String> names = new java.util.TreeSet<>(ea.keySet());
            names.addAll(eb.keySet());
            for (String name : names) {
                TreeEntry x = ea.get(name);
                TreeEntry y = eb.get(name);
                if (x != null && y != null && x.kind() == y.kind() && x.id().equals(y.id())) continue;
                boolean xd = x != null && x.kind() == FileKind.DIRECTORY;
                boolean yd = y != null && y.kind() == FileKind.DIRECTORY;
                if (xd || yd) todo.push(new Pair(xd ? x.id() : null, yd ? y.id() : null, p.prefix() + name + "/"));
                if ((x != null && !xd) || (y != null && !yd)) out.add(p.prefix() + name);
            }
        }
    }

    private static Map<String, TreeEntry> entries(ObjectReader objects, ObjectId tree) {
        Map<String, TreeEntry> out = new HashMap<>();
        if (tree != null) for (TreeEntry e : objects.tree(tree).entries()) out.put(e.name(), e);
        return out;
    }

    /** What {@link #applyReadOnly} did: files made read-only, and files made writable again. */
    public record ReadOnlyResult(List<String> madeReadOnly, List<String> madeWritable) {}

    /**
     * {@code lock.readOnly}: makes the files of HEAD that someone else has locked read-only in the work
     * tree, and gives back write permission to those that forge made read-only earlier and that are no
     * longer locked by others (recorded in {@code .forge/remotes/NAME/read-only}). One listing, then a
     * read of each lock among HEAD's files.
     */
    public ReadOnlyResult applyReadOnly(Repository repo) {
        Owner me = owner(repo);
        Set<String> files = new java.util.TreeSet<>();
        Optional<ObjectId> head = repo.headCommit();
        if (head.isPresent())
            files.addAll(repo.objects()
                    .files(repo.objects().commit(head.get()).tree())
                    .keySet());
        Set<String> othersLocked = new java.util.TreeSet<>();
        for (Map.Entry<String, Lock> e : locksOn(files).entrySet()) {
            if (!e.getValue().heldBy(me)) othersLocked.add(e.getKey());
        }
        Path record = remote.stateDir().resolve("read-only");
        Set<String> before = new java.util.TreeSet<>();
        try {
            if (Files.exists(record)) before.addAll(Files.readAllLines(record, StandardCharsets.UTF_8));
            List<String> madeReadOnly = new ArrayList<>();
            List<String> madeWritable = new ArrayList<>();
            for (String p : othersLocked) {
                if (setWritable(repo.root().resolve(p), false)) madeReadOnly.add(p);
            }
            for (String p : before) {
                if (!othersLocked.contains(p) && setWritable(repo.root().resolve(p), true)) madeWritable.add(p);
            }
            Files.createDirectories(record.getParent());
            Path tmp = record.resolveSibling(
                    "read-only.tmp" + ProcessHandle.current().pid());
            Files.write(tmp, othersLocked, StandardCharsets.UTF_8);
            Files.move(tmp, record, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return new ReadOnlyResult(madeReadOnly, madeWritable);
        } catch (IOException e) {
            throw new ForgeException("cannot write " + record + ": " + e.getMessage(), e);
        }
    }

    /**
     * Adds or removes write permission on a regular file (owner, group and others alike when removing).
     * Returns whether it changed anything; a file system without POSIX permissions is left alone.
     */
    public static boolean setWritable(Path file, boolean writable) {
        if (!Files.isRegularFile(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return false;
        try {
            Set<PosixFilePermission> perms =
                    Files.getPosixFilePermissions(file, java.nio.file.LinkOption.NOFOLLOW_LINKS);
            Set<PosixFilePermission> next =
                    perms.isEmpty() ? EnumSet.noneOf(PosixFilePermission.class) : EnumSet.copyOf(perms);
            if (writable) {
                next.add(PosixFilePermission.OWNER_WRITE);
            } else {
                next.remove(PosixFilePermission.OWNER_WRITE);
                next.remove(PosixFilePermission.GROUP_WRITE);
                next.remove(PosixFilePermission.OTHERS_WRITE);
            }
            if (next.equals(perms)) return false;
            Files.setPosixFilePermissions(file, next);
            return true;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    /** For messages: the paths and holders, one {@code PATH (HOLDER)} per path. */
    public static String listing(Map<String, Lock> locks) {
        List<String> parts = new ArrayList<>();
        for (Map.Entry<String, Lock> e : new HashMap<>(locks).entrySet()) {
            parts.add(PathText.quote(e.getKey()) + " locked by " + e.getValue().describe());
        }
        parts.sort(null);
        return String.join("; ", parts);
    }
}
