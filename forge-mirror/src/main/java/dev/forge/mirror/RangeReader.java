package dev.forge.mirror;

import dev.forge.core.codec.ChunkDecoder;
import dev.forge.core.error.ForgeException;
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
import java.util.concurrent.atomic.AtomicInteger;
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
    for (RemoteIndex.Location l : wanted) byPack.computeIfAbsent(l.packId(), k -> new ArrayList<>()).add(l.entry());
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

  /** Runs the requests; returns when every object is durable and indexed locally. */
  void run(List<Request> todo, ProgressListener progress) {
    if (todo.isEmpty()) return;
    AtomicInteger next = new AtomicInteger();
    RuntimeException[] failure = new RuntimeException[1];
    List<Thread> threads = new ArrayList<>();
    int n = Math.max(1, Math.min(parallelism, todo.size()));
    for (int t = 0; t < n; t++) {
      threads.add(Thread.ofPlatform().name("forge-fetch-" + t).start(() -> {
        Blake3Hasher hasher = Blake3.newHasher();
        try (ChunkDecoder decoder = new ChunkDecoder(); ObjectWriter writer = local.newWriter()) {
          long unflushed = 0;
          for (int i; (i = next.getAndIncrement()) < todo.size(); ) {
            synchronized (failure) {
              if (failure[0] != null) return;
            }
            Request r = todo.get(i);
            unflushed += read(r, writer, decoder, hasher);
            progress.advance(r.length());
            if (unflushed >= FLUSH_BYTES) {
              writer.flush();
              unflushed = 0;
            }
          }
        } catch (RuntimeException e) {
          synchronized (failure) {
            if (failure[0] == null) failure[0] = e;
          }
        }
      }));
    }
    for (Thread th : threads) {
      try {
        th.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ForgeException("interrupted");
      }
    }
    if (failure[0] != null) throw failure[0];
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
      writer.put(e.id(), e.type(), e.codec(), e.rawLength(), span, off + PackLayout.RECORD_HEADER_SIZE, e.storedLength());
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
