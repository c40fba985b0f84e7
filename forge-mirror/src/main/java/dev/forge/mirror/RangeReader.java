package dev.forge.mirror;

import dev.forge.core.codec.ChunkDecoder;
import dev.forge.core.codec.Codec;
import dev.forge.core.concurrent.Workers;
import dev.forge.core.hash.Blake3;
import dev.forge.core.hash.Blake3Hasher;
import dev.forge.core.model.ObjectType;
import dev.forge.core.port.BlobStore;
import dev.forge.core.port.ObjectStore;
import dev.forge.core.port.ObjectWriter;
import dev.forge.core.port.ProgressListener;
import dev.forge.mirror.format.PackIndex;
import dev.forge.mirror.format.PackLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Downloads objects from remote packs into the local store. Records wanted from one pack are sorted
 * by offset and coalesced into ranged reads of up to {@link #MAX_REQUEST} bytes (a gap of up to
 * {@link #MAX_GAP} is read and thrown away rather than paying for another request), run by {@code
 * parallelism} threads at once. Each thread owns a local pack writer: every record is checked (CRC,
 * header against the index, decoded and re-hashed with BLAKE3) before it is written, and writers are
 * flushed every {@link #FLUSH_BYTES} so that an interrupted fetch keeps most of what arrived.
 */
final class RangeReader {
    static final int MAX_REQUEST = 8 << 20;
    static final int MAX_GAP = 256 << 10;
    static final long FLUSH_BYTES = 64L << 20;

    /** Reads at least this long go through a partial file ({@link #incoming}); shorter ones stay in memory. */
    static final int PARTIAL_MIN = 64 << 10;

    private final BlobStore blobs;
    private final ObjectStore local;
    private final int parallelism;
    private final AtomicLong objects = new AtomicLong();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong resumed = new AtomicLong();
    private final AtomicLong bytesResumed = new AtomicLong();
    /** Where partial reads are kept between runs ({@code .forge/remotes/NAME/incoming}), or null. */
    private final Path incoming;

    RangeReader(BlobStore blobs, ObjectStore local, int parallelism) {
        this(blobs, local, parallelism, null);
    }

    /**
     * With {@code incoming}: every read of {@link #PARTIAL_MIN} bytes or more streams into {@code
     * incoming/PACK.OFFSET.part}, kept until the objects it held are durable in the local store; a
     * read killed or cut off half way is continued by the next run (a {@code Range} read of the rest)
     * when it asks for the same span's start, and what the file holds is verified like any read
     * (each record's CRC, header against the index, BLAKE3 of the decoded object).
     */
    RangeReader(BlobStore blobs, ObjectStore local, int parallelism, Path incoming) {
        this.blobs = blobs;
        this.local = local;
        this.parallelism = parallelism;
        this.incoming = incoming;
    }

    /** Where verified chunks are also written (a clone's files), or null. */
    private dev.forge.core.repo.Prefill prefill;

    RangeReader prefill(dev.forge.core.repo.Prefill files) {
        this.prefill = files;
        return this;
    }

    /** One ranged read: a span of one pack and the records in it. */
    record Request(String packId, long offset, int length, List<PackIndex.Entry> entries) {}

    /** Coalesces the wanted records into requests: per pack, in offset order. */
    static List<Request> plan(Collection<RemoteIndex.Location> wanted) {
        Map<String, List<PackIndex.Entry>> byPack = new LinkedHashMap<>();
        for (RemoteIndex.Location l : wanted)
            byPack.computeIfAbsent(l.packId(), k -> new ArrayList<>()).add(l.entry());
        List<Request> out = new ArrayList<>();
        for (var e : byPack.entrySet()) {
            List<PackIndex.Entry> entries = e.getValue();
            entries.sort(Comparator.comparingLong(PackIndex.Entry::offset));
            List<PackIndex.Entry> group = new ArrayList<>();
            long start = -1;
            long end = -1;
            for (PackIndex.Entry en : entries) {
                long s = en.offset();
                long t = s + PackLayout.RECORD_HEADER_SIZE + en.storedLength();
                if (start >= 0 && (s - end > MAX_GAP || t - start > MAX_REQUEST)) {
                    out.add(new Request(e.getKey(), start, (int) (end - start), group));
                    group = new ArrayList<>();
                    start = -1;
                }
                if (start < 0) start = s;
                end = Math.max(end, t);
                group.add(en);
            }
            if (start >= 0) out.add(new Request(e.getKey(), start, (int) (end - start), group));
        }
        return out;
    }

    static long bytes(List<Request> requests) {
        long n = 0;
        for (Request r : requests) n += r.length();
        return n;
    }

    /** One fetch thread's own hasher, decoder and pack writer, and the partial files its unflushed objects came from. */
    private final class Fetcher implements Workers.State {
        final Blake3Hasher hasher = Blake3.newHasher();
        final ChunkDecoder decoder = new ChunkDecoder();
        final ObjectWriter writer = local.newWriter();
        final List<Path> partials = new ArrayList<>();
        long unflushed;
        private byte[] buffer = new byte[0];

        /** This thread's span buffer, at least {@code length} bytes. */
        byte[] buffer(int length) {
            if (buffer.length < length) buffer = new byte[Math.max(length, Math.min(MAX_REQUEST, buffer.length * 2))];
            return buffer;
        }

        void flush() {
            writer.flush();
            deletePartials();
        }

        /** Partial files go only once the objects read from them are durable here. */
        void deletePartials() {
            for (Path p : partials) {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // swept with the folder at the end of the fetch
                }
            }
            partials.clear();
        }

        @Override
        public void close() {
            try {
                writer.close();
                deletePartials();
            } finally {
                decoder.close();
            }
        }
    }

    /** Runs the requests; returns when every object is durable and indexed locally. */
    void run(List<Request> todo, ProgressListener progress) {
        Workers.run("forge-fetch", parallelism, todo.size(), Fetcher::new, (f, i) -> {
            Request r = todo.get(i);
            f.unflushed += read(r, f);
            progress.advance(r.length());
            if (r.length() >= PARTIAL_MIN) TestHooks.reached("fetch.afterRead");
            if (f.unflushed >= FLUSH_BYTES) {
                f.flush();
                f.unflushed = 0;
            }
        });
    }

    /**
     * Whether a read goes through a partial file: a long one from a store that is not local (a folder
     * remote's blob is read again as cheaply as a partial file would be read back; staging it there
     * cost a clone a second write and read of every byte).
     */
    private boolean staged(Request r) {
        return incoming != null && r.length() >= PARTIAL_MIN && !blobs.local();
    }

    /**
     * The span's bytes, in this thread's buffer (records are copied into the pack writer, so it is
     * free again once the span is stored): read straight into it, or into it and its partial file at
     * once (continued if one is there; only what an earlier run left is read back from the file).
     */
    private byte[] span(Request r, String name, Fetcher f) {
        byte[] span = f.buffer(r.length());
        if (!staged(r)) {
            blobs.getInto(name, r.offset(), r.length(), span);
            return span;
        }
        Path partial = incoming.resolve(r.packId() + "." + r.offset() + ".part");
        try {
            Files.createDirectories(incoming);
            long have = Files.exists(partial) ? Math.min(Files.size(partial), r.length()) : 0;
            blobs.readInto(name, r.offset(), r.length(), partial, span);
            f.partials.add(partial);
            if (have > 0) {
                resumed.incrementAndGet();
                bytesResumed.addAndGet(have);
            }
            return span;
        } catch (IOException e) {
            throw new dev.forge.core.error.ForgeException("cannot use " + partial + ": " + e.getMessage(), e);
        }
    }

    private long read(Request r, Fetcher f) {
        String name = "packs/" + r.packId() + ".pack";
        byte[] span = span(r, name, f);
        requests.incrementAndGet();
        try {
            return store(r, name, span, f);
        } catch (dev.forge.core.error.IntegrityException damaged) {
            if (!staged(r)) throw damaged;
            // What a partial file held did not verify (a crash tore it, or the pack changed): read it all again once.
            Path partial = incoming.resolve(r.packId() + "." + r.offset() + ".part");
            try {
                Files.deleteIfExists(partial);
            } catch (IOException e) {
                throw damaged;
            }
            return store(r, name, span(r, name, f), f);
        }
    }

    private long store(Request r, String name, byte[] span, Fetcher f) {
        ObjectWriter writer = f.writer;
        ChunkDecoder decoder = f.decoder;
        Blake3Hasher hasher = f.hasher;
        long stored = 0;
        // Every record verified before any is stored: a span that fails is read again whole.
        for (PackIndex.Entry e : r.entries()) {
            int off = (int) (e.offset() - r.offset());
            String where = blobs.describe() + "/" + name + " at offset " + e.offset();
            PackLayout.verifyRecord(e, span, off, decoder, hasher, where);
            if (prefill != null && e.type() == ObjectType.CHUNK && prefill.wants(e.id())) {
                // Verified just now; a compressed one is still decoded in the decoder's scratch buffer.
                if (e.codec() == Codec.RAW) {
                    prefill.chunk(e.id(), span, off + PackLayout.RECORD_HEADER_SIZE, e.rawLength());
                } else {
                    prefill.chunk(e.id(), decoder.scratch(e.rawLength()), 0, e.rawLength());
                }
            }
        }
        for (PackIndex.Entry e : r.entries()) {
            int off = (int) (e.offset() - r.offset());
            writer.putVerified(
                    e.id(),
                    e.type(),
                    e.codec(),
                    e.rawLength(),
                    span,
                    off + PackLayout.RECORD_HEADER_SIZE,
                    e.storedLength(),
                    PackLayout.recordCrc(span, off));
            objects.incrementAndGet();
            stored += e.storedLength();
        }
        return stored;
    }

    long objects() {
        return objects.get();
    }

    long requests() {
        return requests.get();
    }

    /** Reads continued from a partial file an interrupted earlier read left. */
    long resumed() {
        return resumed.get();
    }

    /** The bytes those partial files held, which were not read again. */
    long bytesResumed() {
        return bytesResumed.get();
    }
}
