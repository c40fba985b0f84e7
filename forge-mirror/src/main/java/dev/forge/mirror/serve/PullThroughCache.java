package dev.forge.mirror.serve;

import dev.forge.core.codec.ChunkDecoder;
import dev.forge.core.error.ForgeException;
import dev.forge.core.error.IntegrityException;
import dev.forge.core.hash.Blake3;
import dev.forge.core.hash.Blake3Hasher;
import dev.forge.core.port.BlobStore;
import dev.forge.mirror.format.PackIndex;
import dev.forge.mirror.format.PackLayout;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * {@code forge serve --upstream URL}: a pull-through cache of a remote. What a client asks for and
 * the cache lacks is fetched once from upstream, however many clients ask at the same moment (one
 * download per name in flight, the others wait for it), verified, kept on local disk and served to
 * every later client; cloud egress for a farm is then about one copy of the data, not one per node.
 *
 * <ul>
 *   <li>Packs and pack indexes never change (they are named by content), so they are cached as
 *       files until the cache exceeds its size, least recently used first out. A pack index is
 *       checked against its name (BLAKE3); a pack is checked record by record against its index
 *       (framing, CRC32C, and each object's BLAKE3 id), so the cache never serves bytes that
 *       upstream damaged; clients verify every object again anyway.
 *   <li>Everything else a reader asks for (config, listings, refs) is read through, and kept in
 *       memory for {@code ttlMillis} (default 2 s), so a farm starting at once asks upstream once
 *       while a new push is seen within seconds.
 * </ul>
 *
 * <p>Hand-written rather than a generic HTTP cache (Varnish, nginx proxy_cache): those cannot check
 * Forge's content addresses, would cache a range per request instead of the pack once, and need a
 * server of their own; this is one command on the farm's head node.
 */
public final class PullThroughCache implements ServedBlobs {
    /** How long config, listings and refs are kept before upstream is asked again. */
    public static final long DEFAULT_TTL_MILLIS = 2000;

    private static final int DOWNLOAD_PIECE = 8 << 20;

    private final BlobStore upstream;
    private final Path packs;
    private final Path tmp;
    private final long maxBytes;
    private final long ttlMillis;
    private final ServeMetrics metrics;
    private final ExecutorService downloads = Executors.newVirtualThreadPerTaskExecutor();
    private final Map<String, CompletableFuture<Optional<Path>>> inFlight = new ConcurrentHashMap<>();
    private final Map<String, Fresh> fresh = new ConcurrentHashMap<>();
    private final Map<String, Arriving> arriving = new ConcurrentHashMap<>();
    /** Cached files by name, least recently used first; guarded by itself. */
    private final LinkedHashMap<String, Long> lru = new LinkedHashMap<>(16, 0.75f, true);

    private long cachedBytes;

    private record Fresh(long until, CompletableFuture<Optional<BlobStore.Versioned>> value) {}

    public PullThroughCache(BlobStore upstream, Path dir, long maxBytes, long ttlMillis, ServeMetrics metrics) {
        this.upstream = upstream;
        this.packs = dir.resolve("forge-cache").resolve("packs");
        this.tmp = dir.resolve("forge-cache").resolve("tmp");
        this.maxBytes = maxBytes;
        this.ttlMillis = ttlMillis;
        this.metrics = metrics;
        try {
            Files.createDirectories(packs);
            Files.createDirectories(tmp);
            try (Stream<Path> s = Files.list(tmp)) {
                for (Path p : (Iterable<Path>) s::iterator) Files.deleteIfExists(p);
            }
            try (Stream<Path> s = Files.list(packs)) {
                List<Path> found = new ArrayList<>(s.toList());
                // Oldest first, so the least recently written goes first when the cache is full.
                found.sort((a, b) -> Long.compare(mtime(a), mtime(b)));
                for (Path p : found) {
                    String name = "packs/" + p.getFileName();
                    if (!ServeNames.immutable(name)) continue;
                    long size = Files.size(p);
                    lru.put(name, size);
                    cachedBytes += size;
                }
            }
        } catch (IOException e) {
            throw new ForgeException("cannot use the cache folder " + dir + ": " + e.getMessage(), e);
        }
        metrics.cacheBytes(cachedBytes);
    }

    private static long mtime(Path p) {
        try {
            return Files.getLastModifiedTime(p).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }

    @Override
    public Optional<Served> open(String name) {
        if (!ServeNames.servable(name)) return Optional.empty();
        if (ServeNames.immutable(name)) return cachedFile(name);
        return fresh(name).map(v -> new Served.Bytes(v.data(), etagOf(v)));
    }

    private static String etagOf(BlobStore.Versioned v) {
        String t = v.token();
        if (t == null || t.isEmpty())
            return "\"" + Blake3.newHasher().hash(v.data(), 0, v.data().length).hex() + "\"";
        return t.startsWith("\"") || t.startsWith("W/") ? t : "\"" + t + "\"";
    }

    /** A changing blob, from memory while it is fresh; one upstream read per name at a time. */
    private Optional<BlobStore.Versioned> fresh(String name) {
        long now = System.currentTimeMillis();
        Fresh f = fresh.compute(name, (k, old) -> {
            if (old != null && (old.until() > now || !old.value().isDone())) return old;
            return new Fresh(
                    now + ttlMillis,
                    CompletableFuture.supplyAsync(
                            () -> {
                                Optional<BlobStore.Versioned> v = upstream.get(name);
                                v.ifPresent(x -> metrics.fromUpstream(x.data().length));
                                return v;
                            },
                            downloads));
        });
        try {
            return f.value().join();
        } catch (CompletionException e) {
            fresh.remove(name, f);
            throw unwrap(e);
        }
    }

    private Optional<Served> cachedFile(String name) {
        for (int attempt = 0; attempt < 3; attempt++) {
            Long size;
            synchronized (lru) {
                size = lru.get(name);
            }
            Path file = packs.resolve(name.substring("packs/".length()));
            if (size != null && Files.exists(file)) {
                metrics.cacheHit();
                return Optional.of(new Served.File(file, size, "\"" + name.substring(6) + "\""));
            }
            if (name.endsWith(".pack")) {
                Arriving a = arriving.computeIfAbsent(name, this::startPack);
                // A download that finished between the look above and this start is in the cache now.
                if (a == null && cached(name)) continue;
                if (a == null) return Optional.empty();
                return Optional.of(new Served.Arriving(a::path, a.length, "\"" + name.substring(6) + "\"", a));
            }
            CompletableFuture<Optional<Path>> download =
                    inFlight.computeIfAbsent(name, n -> CompletableFuture.supplyAsync(() -> download(n), downloads));
            try {
                Optional<Path> got = download.join();
                if (got.isEmpty()) return Optional.empty();
            } catch (CompletionException e) {
                throw unwrap(e);
            } finally {
                inFlight.remove(name, download);
            }
            // Loop: the file is in the cache now (unless evicted at once by a tiny cache).
        }
        throw new ForgeException("the cache keeps evicting " + name + " before it can be served: raise --cache-size");
    }

    private static RuntimeException unwrap(CompletionException e) {
        return e.getCause() instanceof RuntimeException r ? r : new ForgeException(String.valueOf(e.getCause()), e);
    }

    /** Downloads, verifies and publishes one pack index; empty when upstream does not have it. */
    private Optional<Path> download(String name) {
        metrics.cacheMiss();
        String file = name.substring("packs/".length());
        String id = file.substring(0, file.indexOf('.'));
        Path part = tmp.resolve(file + "." + ThreadLocalRandom.current().nextLong(1L << 40) + ".part");
        try {
            Optional<BlobStore.Versioned> v = upstream.get(name);
            if (v.isEmpty()) return Optional.empty();
            byte[] data = v.get().data();
            PackIndex.parse(id, data, Blake3.newHasher(), "upstream " + upstream.describe() + "/" + name);
            metrics.fromUpstream(data.length);
            Files.write(part, data);
            return Optional.of(publish(name, part));
        } catch (IOException e) {
            throw new ForgeException("cannot write the cache: " + e.getMessage(), e);
        } finally {
            deleteQuietly(part);
        }
    }

    /** fsyncs {@code part}, renames it into the cache as {@code name}, and admits it; returns where it is. */
    private Path publish(String name, Path part) throws IOException {
        try (FileChannel c = FileChannel.open(part, StandardOpenOption.WRITE)) {
            c.force(true);
        }
        Path target = packs.resolve(name.substring("packs/".length()));
        Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        admit(name, Files.size(target));
        return target;
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // a leftover .part is removed at the next start
        }
    }

    /**
     * A pack on its way from upstream. Clients are served from its part file as it grows, up to the
     * end of the last record verified so far (every record is checked against the pack index, CRC
     * and BLAKE3, as it lands), so a node starts receiving a pack at once instead of waiting for the
     * whole of it, and never receives a byte the cache has not verified.
     */
    private final class Arriving implements Served.Arrival {
        final long length;
        private volatile Path path;
        private long verified;
        private Throwable failed;

        Arriving(Path part, long length) {
            this.path = part;
            this.length = length;
        }

        Path path() {
            return path;
        }

        synchronized void verifiedTo(long offset) {
            verified = offset;
            notifyAll();
        }

        synchronized void published(Path target) {
            path = target;
            verified = length;
            notifyAll();
        }

        synchronized void fail(Throwable t) {
            failed = t;
            notifyAll();
        }

        @Override
        public synchronized void await(long bytes) throws IOException {
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MINUTES.toNanos(10);
            while (verified < bytes && failed == null) {
                long left = deadline - System.nanoTime();
                if (left <= 0) throw new IOException("the pack is still not here after 10 minutes");
                try {
                    wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted", e);
                }
            }
            if (verified < bytes) throw new IOException("the upstream download failed: " + failed.getMessage(), failed);
        }
    }

    /** Whether {@code name} is in the cache (listed and on disk). */
    private boolean cached(String name) {
        synchronized (lru) {
            if (!lru.containsKey(name)) return false;
        }
        return Files.exists(packs.resolve(name.substring("packs/".length())));
    }

    /**
     * Starts downloading a pack into a part file; null when upstream does not have it, or when it is
     * cached already (a download that ended just before: it is listed in the cache before it leaves
     * the arrivals, so this look, made where no other start of the same name can run, sees it).
     */
    private Arriving startPack(String name) {
        if (cached(name)) return null;
        String file = name.substring("packs/".length());
        String id = file.substring(0, file.indexOf('.'));
        Optional<Served> idx = cachedFile("packs/" + id + ".idx");
        if (idx.isEmpty()) return null;
        PackIndex index;
        try {
            byte[] idxBytes = Files.readAllBytes(((Served.File) idx.get()).path());
            index = PackIndex.parse(id, idxBytes, Blake3.newHasher(), name);
        } catch (IOException e) {
            throw new ForgeException("cannot read the cache: " + e.getMessage(), e);
        }
        Optional<BlobStore.BlobInfo> info = upstream.stat(name);
        if (info.isEmpty()) return null;
        if (info.get().length() != index.packLength()) {
            throw new IntegrityException("upstream " + upstream.describe() + "/" + name + " is "
                    + info.get().length() + " bytes, its index says " + index.packLength());
        }
        metrics.cacheMiss();
        Path part = tmp.resolve(file + "." + ThreadLocalRandom.current().nextLong(1L << 40) + ".part");
        try {
            Files.createFile(part);
        } catch (IOException e) {
            throw new ForgeException("cannot write the cache: " + e.getMessage(), e);
        }
        Arriving a = new Arriving(part, index.packLength());
        downloads.submit(() -> {
            try {
                fill(name, part, index, a);
                a.published(publish(name, part));
            } catch (Throwable t) {
                a.fail(t);
            } finally {
                arriving.remove(name, a);
                deleteQuietly(part);
            }
        });
        return a;
    }

    /** Downloads the pack piece by piece, verifying each record as soon as it is whole. */
    private void fill(String name, Path part, PackIndex index, Arriving a) throws IOException {
        List<PackIndex.Entry> records = new ArrayList<>(index.entries());
        records.sort(java.util.Comparator.comparingLong(PackIndex.Entry::offset));
        ChunkDecoder decoder = new ChunkDecoder();
        Blake3Hasher hasher = Blake3.newHasher();
        String where = "upstream " + upstream.describe() + "/" + name;
        long length = index.packLength();
        int next = 0;
        try (FileChannel out = FileChannel.open(part, StandardOpenOption.WRITE, StandardOpenOption.READ)) {
            for (long off = 0; off < length; off += DOWNLOAD_PIECE) {
                int n = (int) Math.min(DOWNLOAD_PIECE, length - off);
                byte[] piece = upstream.get(name, off, n);
                metrics.fromUpstream(piece.length);
                ByteBuffer b = ByteBuffer.wrap(piece);
                while (b.hasRemaining()) out.write(b, off + b.position());
                long have = off + n;
                long verifiedTo = -1;
                while (next < records.size()) {
                    PackIndex.Entry e = records.get(next);
                    long end = e.offset() + PackLayout.RECORD_HEADER_SIZE + e.storedLength();
                    if (end > have) break;
                    ByteBuffer rec = ByteBuffer.allocate(PackLayout.RECORD_HEADER_SIZE + e.storedLength());
                    while (rec.hasRemaining()) {
                        if (out.read(rec, e.offset() + rec.position()) < 0)
                            throw new IntegrityException(where + " ends inside a record");
                    }
                    PackLayout.verifyRecord(e, rec.array(), 0, decoder, hasher, where);
                    verifiedTo = end;
                    next++;
                }
                if (verifiedTo >= 0) a.verifiedTo(verifiedTo);
            }
        }
        if (next != records.size()) throw new IntegrityException(where + " ends before its last record");
    }

    /** Records a new cached file and evicts the least recently used until the cache fits. */
    private void admit(String name, long size) {
        List<String> evicted = new ArrayList<>();
        synchronized (lru) {
            Long old = lru.put(name, size);
            cachedBytes += size - (old == null ? 0 : old);
            Iterator<Map.Entry<String, Long>> it = lru.entrySet().iterator();
            while (cachedBytes > maxBytes && it.hasNext()) {
                Map.Entry<String, Long> e = it.next();
                if (e.getKey().equals(name)) continue;
                cachedBytes -= e.getValue();
                evicted.add(e.getKey());
                it.remove();
            }
            metrics.cacheBytes(cachedBytes);
        }
        for (String n : evicted) {
            try {
                // A client still reading it keeps its open file; the next asks upstream again.
                Files.deleteIfExists(packs.resolve(n.substring("packs/".length())));
                metrics.evicted();
            } catch (NoSuchFileException ignored) {
                // already gone
            } catch (IOException e) {
                throw new ForgeException("cannot evict " + n + " from the cache: " + e.getMessage(), e);
            }
        }
    }

    @Override
    public String describe() {
        return upstream.describe();
    }

    @Override
    public void close() {
        downloads.shutdownNow();
        upstream.close();
    }
}
