package dev.forge.mirror;

import dev.forge.core.codec.ChunkDecoder;
import dev.forge.core.concurrent.Workers;
import dev.forge.core.hash.Blake3;
import dev.forge.core.hash.Blake3Hasher;
import dev.forge.core.port.BlobStore;
import dev.forge.core.port.ObjectStore;
import dev.forge.core.port.ObjectWriter;
import dev.forge.core.port.ProgressListener;
import dev.forge.mirror.format.PackIndex;
import dev.forge.mirror.format.PackLayout;
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

    private final BlobStore blobs;
    private final ObjectStore local;
    private final int parallelism;
    private final AtomicLong objects = new AtomicLong();
    private final AtomicLong requests = new AtomicLong();

    RangeReader(BlobStore blobs, ObjectStore local, int parallelism) {
        this.blobs = blobs;
        this.local = local;
        this.parallelism = parallelism;
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

    /** One fetch thread's own hasher, decoder and pack writer. */
    private final class Fetcher implements Workers.State {
        final Blake3Hasher hasher = Blake3.newHasher();
        final ChunkDecoder decoder = new ChunkDecoder();
        final ObjectWriter writer = local.newWriter();
        long unflushed;

        @Override
        public void close() {
            try {
                writer.close();
            } finally {
                decoder.close();
            }
        }
    }

    /** Runs the requests; returns when every object is durable and indexed locally. */
    void run(List<Request> todo, ProgressListener progress) {
        Workers.run("forge-fetch", parallelism, todo.size(), Fetcher::new, (f, i) -> {
            Request r = todo.get(i);
            f.unflushed += read(r, f.writer, f.decoder, f.hasher);
            progress.advance(r.length());
            if (f.unflushed >= FLUSH_BYTES) {
                f.writer.flush();
                f.unflushed = 0;
            }
        });
    }

    private long read(Request r, ObjectWriter writer, ChunkDecoder decoder, Blake3Hasher hasher) {
        String name = "packs/" + r.packId() + ".pack";
        byte[] span = blobs.get(name, r.offset(), r.length());
        requests.incrementAndGet();
        long stored = 0;
        for (PackIndex.Entry e : r.entries()) {
            int off = (int) (e.offset() - r.offset());
            String where = blobs.describe() + "/" + name + " at offset " + e.offset();
            PackLayout.verifyRecord(e, span, off, decoder, hasher, where);
            writer.put(
                    e.id(),
                    e.type(),
                    e.codec(),
                    e.rawLength(),
                    span,
                    off + PackLayout.RECORD_HEADER_SIZE,
                    e.storedLength());
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
}
