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
 * Builds packs from local stored records (copied as they are) into {@code outgoing/} and uploads
 * them, {@code parallelism} at a time: each pack, then its index, so an index on the remote always
 * names a pack that is there whole. A pack stays in {@code outgoing/} until its index is up; a push
 * that was interrupted leaves them there, and the next push finishes them first ({@link #resume}),
 * skipping any pack that already arrived whole.
 */
final class PackUploader implements AutoCloseable {
    /** Packs are cut at about this size: big enough for few requests, small enough to spread over connections. */
    static final long TARGET_PACK_SIZE = 32L << 20;

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
    private PackBuilder current;
    private long objects;

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
        try {
            if (current == null) current = new PackBuilder(outgoing);
            current.add(local.readStored(id));
            objects++;
            if (current.length() >= targetPackSize) seal();
        } catch (IOException e) {
            throw new ForgeException("cannot write a pack in " + outgoing + ": " + e.getMessage(), e);
        }
    }

    /** Ends the current pack here (so metadata and chunks go in separate packs). */
    void seal() {
        if (current == null || current.records() == 0) return;
        try {
            PackBuilder.Built b = current.finish(hasher);
            current = null;
            submit(b.id(), b.pack(), b.index(), b.length());
        } catch (IOException e) {
            throw new ForgeException("cannot write a pack in " + outgoing + ": " + e.getMessage(), e);
        }
    }

    private void submit(String id, Path pack, Path index, long length) {
        throwIfFailed();
        try {
            inFlight.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ForgeException("interrupted");
        }
        uploads.add(pool.submit(() -> {
            try {
                upload(id, pack, index, length);
            } finally {
                inFlight.release();
            }
            return null;
        }));
    }

    private void upload(String id, Path pack, Path index, long length) throws IOException {
        String packName = "packs/" + id + ".pack";
        Optional<BlobStore.BlobInfo> there = blobs.stat(packName);
        if (there.isPresent() && there.get().length() == length) {
            skipped.incrementAndGet();
        } else {
            blobs.put(packName, pack);
            packBytes.addAndGet(length);
        }
        blobs.put("packs/" + id + ".idx", Files.readAllBytes(index));
        cache.remember(id, index);
        packs.incrementAndGet();
        progress.advance(length);
        Files.deleteIfExists(pack);
        Files.deleteIfExists(index);
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
    }
}
