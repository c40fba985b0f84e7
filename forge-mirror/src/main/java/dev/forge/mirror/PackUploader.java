package dev.forge.mirror;

import dev.forge.core.error.ForgeException;
import dev.forge.core.hash.Blake3;
import dev.forge.core.hash.Blake3Hasher;
import dev.forge.core.model.ObjectId;
import dev.forge.core.port.BlobStore;
import dev.forge.core.port.ObjectStore;
import dev.forge.core.port.ProgressListener;
import dev.forge.mirror.format.PackBuilder;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Builds packs from local stored records (copied as they are) and uploads them, {@code parallelism}
 * at a time: each pack, then its index, so an index on the remote always names a pack that is there
 * whole.
 *
 * <p>Where the store takes a {@linkplain BlobStore#draft draft} (a folder remote), each pack is
 * written straight into the remote's temporary file and published there (fsync, rename, fsync of the
 * folder) on an upload thread while the next pack is built: every byte is written once. A push killed
 * then leaves only hidden temporary files on the remote, never read, and nothing to finish here: the
 * next push sends again what no published pack's index names.
 *
 * <p>Elsewhere (object stores) packs are built in {@code outgoing/} and stay there until their index
 * is up; a push that was interrupted leaves them there, and the next push finishes them first
 * ({@link #resume}), skipping any pack that already arrived whole and continuing a multipart upload
 * cut off half way.
 */
final class PackUploader implements AutoCloseable {
    /** Packs are cut at about this size: big enough for few requests, small enough to spread over connections. */
    static final long TARGET_PACK_SIZE = TestHooks.size("FORGE_TEST_PACK_SIZE", 32L << 20);

    private final BlobStore blobs;
    private final IndexCache cache;
    private final Path outgoing;
    private final ObjectStore local;
    private final long targetPackSize;
    private final ProgressListener progress;
    private final ExecutorService pool;
    private final Semaphore inFlight;
    private final List<Future<?>> uploads = new ArrayList<>();
    private final Blake3Hasher hasher = Blake3.newHasher();
    private final AtomicLong packs = new AtomicLong();
    private final AtomicLong packBytes = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private final AtomicLong bytesResumed = new AtomicLong();
    static final String SENT = "sent";
    private PackBuilder current;
    /** The draft {@link #current} is written into; null while packs are staged in {@code outgoing/}. */
    private BlobStore.Draft draft;
    /** Drafts handed to an upload thread: dropped at {@link #close} unless published by then. */
    private final java.util.Set<BlobStore.Draft> drafts = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private long objects;
    /** Whether packs go into drafts on the remote (then a failed write is the remote's). */
    private boolean direct;
    /** Packs that have passed half their size: the second pauses at the test hook push.insidePack. */
    private int halfWritten;

    PackUploader(Remote remote, ObjectStore local, long targetPackSize, ProgressListener progress) {
        this.blobs = remote.blobs();
        this.cache = remote.indexCache();
        this.outgoing = remote.stateDir().resolve("outgoing");
        this.local = local;
        this.targetPackSize = targetPackSize;
        this.progress = progress;
        this.pool = Executors.newFixedThreadPool(
                remote.parallelism(),
                r -> Thread.ofPlatform().name("forge-upload").daemon().unstarted(r));
        // Built packs wait on disk for a free connection; bound them so staging space stays small.
        this.inFlight = new Semaphore(remote.parallelism() * 2);
    }

    /** Uploads packs left in {@code outgoing/} by an interrupted push. Returns how many there were. */
    int resume() {
        if (!Files.isDirectory(outgoing)) return 0;
        int n = 0;
        try {
            // The whole listing first, half-written files removed, and only then the uploads: an upload
            // may stage files in this folder (an encrypted remote's *.enc.part), which a cleanup running
            // beside it would delete under it.
            List<Path> indexes = new ArrayList<>();
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(outgoing)) {
                for (Path p : ds) {
                    String f = p.getFileName().toString();
                    if (f.endsWith(".part")) Files.deleteIfExists(p);
                    else if (f.endsWith(".idx")) indexes.add(p);
                }
            }
            for (Path p : indexes) {
                String f = p.getFileName().toString();
                String id = f.substring(0, f.length() - 4);
                Path pack = outgoing.resolve(id + ".pack");
                if (!Files.exists(pack)) continue;
                submit(id, pack, p, Files.size(pack));
                n++;
            }
        } catch (IOException e) {
            throw new ForgeException("cannot read " + outgoing + ": " + e.getMessage(), e);
        }
        return n;
    }

    /** Appends one local object to the pack being built; uploads the pack when it is full. */
    void add(ObjectId id) {
        append(local.readStored(id));
    }

    /** Records read ahead of the one being appended, at most: a few chunks' worth of memory. */
    static final int READ_AHEAD = 8;

    /**
     * Appends {@code ids} in order, as {@link #add} one by one would, with each record read from the
     * local packs and verified on a second thread while this one writes the packs: reading and
     * verifying was half of a push's main thread and the pack writing a quarter, one after the other
     * on one core (docs/benchmarks.md, issue 16). The first failure to read stops it, as it is.
     */
    void addAll(List<ObjectId> ids) {
        if (ids.size() < 2) {
            ids.forEach(this::add);
            return;
        }
        ExecutorService reader = Executors.newSingleThreadExecutor(
                r -> Thread.ofPlatform().name("forge-push-read").daemon().unstarted(r));
        java.util.ArrayDeque<Future<ObjectStore.StoredRecord>> ahead = new java.util.ArrayDeque<>();
        try {
            int next = 0;
            while (next < ids.size() || !ahead.isEmpty()) {
                while (next < ids.size() && ahead.size() < READ_AHEAD) {
                    ObjectId id = ids.get(next++);
                    ahead.add(reader.submit(() -> local.readStored(id)));
                }
                append(await(ahead.poll()));
            }
        } finally {
            reader.shutdownNow();
        }
    }

    private static ObjectStore.StoredRecord await(Future<ObjectStore.StoredRecord> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ForgeException("interrupted");
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            if (e.getCause() instanceof Error err) throw err;
            throw new ForgeException("cannot read a local object: " + e.getCause(), e.getCause());
        }
    }

    private void append(ObjectStore.StoredRecord r) {
        try {
            if (current == null) start();
            long before = current.length();
            current.add(r);
            objects++;
            if (before < targetPackSize / 2 && current.length() >= targetPackSize / 2 && ++halfWritten == 2)
                TestHooks.reached("push.insidePack");
            if (current.length() >= targetPackSize) seal();
        } catch (IOException e) {
            throw writeFailure(e);
        }
    }

    /** Starts the next pack: in a draft on the remote where the store has them, else in outgoing/. */
    private void start() throws IOException {
        Optional<BlobStore.Draft> d = blobs.draft("packs");
        if (d.isEmpty()) {
            current = new PackBuilder(outgoing);
            return;
        }
        direct = true;
        try {
            current = new PackBuilder(d.get().channel());
            draft = d.get();
        } finally {
            if (draft == null) d.get().close();
        }
    }

    private RuntimeException writeFailure(IOException e) {
        if (!direct) return new ForgeException("cannot write a pack in " + outgoing + ": " + e.getMessage(), e);
        boolean permanent =
                e instanceof java.nio.file.AccessDeniedException || e instanceof java.nio.file.NoSuchFileException;
        return new dev.forge.core.error.RemoteUnavailableException(
                "cannot write a pack to " + blobs.describe() + ": " + e.getMessage(), !permanent, e);
    }

    /** Ends the current pack here (so metadata and chunks go in separate packs). */
    void seal() {
        if (current == null || current.records() == 0) return;
        try {
            if (draft != null) {
                PackBuilder.Sealed sealed = current.seal(hasher);
                BlobStore.Draft d = draft;
                current = null;
                draft = null;
                drafts.add(d);
                submit(() -> publish(sealed, d));
            } else {
                PackBuilder.Built b = current.finish(hasher);
                current = null;
                submit(b.id(), b.pack(), b.index(), b.length());
            }
        } catch (IOException e) {
            throw writeFailure(e);
        }
    }

    private void submit(String id, Path pack, Path index, long length) {
        submit(() -> upload(id, pack, index, length));
    }

    private interface Upload {
        void run() throws IOException;
    }

    private void submit(Upload upload) {
        throwIfFailed();
        try {
            inFlight.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ForgeException("interrupted");
        }
        uploads.add(pool.submit(() -> {
            try {
                upload.run();
            } finally {
                inFlight.release();
            }
            return null;
        }));
    }

    /**
     * Publishes a pack written into a draft (fsync, then rename on the remote), then puts its index.
     * A pack already there whole (one a killed push published before its index) is not published
     * again: the draft is dropped.
     */
    private void publish(PackBuilder.Sealed p, BlobStore.Draft d) throws IOException {
        try (d) {
            String packName = "packs/" + p.id() + ".pack";
            Optional<BlobStore.BlobInfo> there = blobs.stat(packName);
            if (there.isPresent() && there.get().length() == p.length()) {
                skipped.incrementAndGet();
                bytesResumed.addAndGet(p.length());
            } else {
                d.publish(packName);
                packBytes.addAndGet(p.length());
            }
        } finally {
            drafts.remove(d);
        }
        blobs.put("packs/" + p.id() + ".idx", p.index());
        cache.remember(p.id(), p.index());
        packs.incrementAndGet();
        progress.advance(p.length());
        journal(p.id(), p.length());
        TestHooks.reached("push.afterPack");
    }

    private void upload(String id, Path pack, Path index, long length) throws IOException {
        String packName = "packs/" + id + ".pack";
        Optional<BlobStore.BlobInfo> there = blobs.stat(packName);
        if (there.isPresent() && there.get().length() == length) {
            skipped.incrementAndGet();
            bytesResumed.addAndGet(length);
        } else {
            // A multipart upload of this pack cut off by an earlier push continues where it stopped.
            long kept = blobs.putResuming(packName, pack);
            bytesResumed.addAndGet(kept);
            packBytes.addAndGet(length - kept);
        }
        blobs.put("packs/" + id + ".idx", Files.readAllBytes(index));
        cache.remember(id, index);
        packs.incrementAndGet();
        progress.advance(length);
        Files.deleteIfExists(pack);
        Files.deleteIfExists(index);
        // After the staged files are gone: a pack is never both staged and noted (counted twice).
        journal(id, length);
        TestHooks.reached("push.afterPack");
    }

    /**
     * Notes in {@code outgoing/sent} a pack that is on the remote whole with its index: a push killed
     * before it moved the branch leaves the list, and the next push counts those packs as resumed
     * (they are in the remote's indexes, so it does not send them again). Deleted when a push ends.
     */
    private void journal(String id, long length) throws IOException {
        synchronized (PackUploader.class) {
            Files.createDirectories(outgoing);
            Files.writeString(
                    outgoing.resolve(SENT),
                    id + " " + length + "\n",
                    java.nio.charset.StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
        }
    }

    /** The packs (count, bytes) an interrupted push noted in {@code outgoing/sent}. */
    static long[] sentByInterruptedPush(Path outgoing) {
        Path f = outgoing.resolve(SENT);
        long[] out = new long[2];
        try {
            if (!Files.exists(f)) return out;
            java.util.Set<String> seen = new java.util.HashSet<>();
            for (String line : Files.readAllLines(f, java.nio.charset.StandardCharsets.UTF_8)) {
                String[] w = line.split(" ");
                if (w.length != 2 || !seen.add(w[0])) continue;
                try {
                    out[1] += Long.parseLong(w[1]);
                    out[0]++;
                } catch (NumberFormatException torn) {
                    // the last line of a push killed while it wrote it
                }
            }
        } catch (IOException e) {
            // only a count in --json: never a reason to fail the push
        }
        return out;
    }

    /** Forgets {@code outgoing/sent}: the push it belonged to has ended. */
    static void forgetSent(Path outgoing) {
        try {
            Files.deleteIfExists(outgoing.resolve(SENT));
        } catch (IOException ignored) {
            // counted once more by the next push's --json, nothing else
        }
    }

    /** A failed upload ends the push early: stop building packs once one has failed. */
    private void throwIfFailed() {
        for (Future<?> f : uploads) {
            if (f.isDone() && !f.isCancelled()) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException | InterruptedException e) {
                    Parallel.awaitAll(uploads);
                }
            }
        }
    }

    /** Seals the last pack and waits for every upload; throws the first failure. */
    void finish() {
        seal();
        Parallel.awaitAll(uploads);
    }

    long objects() {
        return objects;
    }

    long packs() {
        return packs.get();
    }

    long packBytes() {
        return packBytes.get();
    }

    /** Bytes of packs staged by an interrupted push that were not sent again (whole packs, multipart parts kept). */
    long bytesResumed() {
        return bytesResumed.get();
    }

    /** Packs that were already on the remote whole (from an interrupted push) and were not sent again. */
    long skipped() {
        return skipped.get();
    }

    @Override
    public void close() {
        pool.shutdownNow();
        if (current != null) {
            try {
                current.close();
            } catch (IOException ignored) {
                // a partial pack in outgoing/ is swept by the next push
            }
        }
        // A pack not published (the push failed) leaves no temporary file on the remote.
        if (draft != null) draft.close();
        for (BlobStore.Draft d : List.copyOf(drafts)) d.close();
    }
}
