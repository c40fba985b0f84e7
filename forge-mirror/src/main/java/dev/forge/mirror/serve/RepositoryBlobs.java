package dev.forge.mirror.serve;

import dev.forge.core.chunk.ChunkerParams;
import dev.forge.core.codec.Codec;
import dev.forge.core.error.ForgeException;
import dev.forge.core.error.IntegrityException;
import dev.forge.core.hash.Blake3;
import dev.forge.core.model.ObjectId;
import dev.forge.core.model.ObjectType;
import dev.forge.core.repo.Repository;
import dev.forge.mirror.blob.Listings;
import dev.forge.mirror.format.PackIndex;
import dev.forge.mirror.format.PackLayout;
import dev.forge.mirror.format.RemoteConfig;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * {@code forge serve} inside a repository: its objects and refs in the remote format, read-only. A
 * local pack has the remote pack layout byte for byte (docs/format.md), so each file in {@code
 * .forge/packs/} is served as it is, under the name its synthesized pack index gives it; the index
 * is built once per pack file from its record headers (a pass of 48-byte reads, no payload read)
 * and kept in memory. Branches and tags are served as refs; the config and listings are made from
 * the repository. A pack that gc removes disappears from the listing at the next refresh.
 */
public final class RepositoryBlobs implements ServedBlobs {
    /** How long a listing of the packs folder is reused, by default. */
    public static final long REFRESH_MILLIS = 2000;

    private record Pack(Path file, long length, long modified, String id, byte[] index) {}

    /** What is read from the repository's index at each refresh: its chunking and its branches and tags. */
    public record Snapshot(ChunkerParams chunking, SortedMap<String, ObjectId> refs) {
        /** Reads a snapshot from an open repository. */
        public static Snapshot of(Repository repo) {
            SortedMap<String, ObjectId> refs = new TreeMap<>(repo.refs("refs/heads/"));
            refs.putAll(repo.refs("refs/tags/"));
            return new Snapshot(repo.config().chunking(), refs);
        }
    }

    private final Path root;
    private final Supplier<Snapshot> snapshots;
    private final Path packsDir;
    private volatile Snapshot snapshot;
    private final Map<Path, Pack> byFile = new ConcurrentHashMap<>();
    private volatile Map<String, Pack> byId = Map.of();
    private final long refreshMillis;
    private volatile long refreshed = Long.MIN_VALUE / 2;

    /**
     * Serves the repository whose work tree is {@code root}: packs from its {@code .forge/packs}, refs
     * and chunking from {@code snapshots}, called at most every {@code refreshMillis} (the CLI opens
     * the repository read-only for each, so that other forge commands can change it meanwhile; if
     * one fails, the last snapshot is kept).
     */
    public RepositoryBlobs(Path root, Supplier<Snapshot> snapshots, long refreshMillis) {
        this.root = root;
        this.snapshots = snapshots;
        this.refreshMillis = refreshMillis;
        // The local layout (docs/format.md, "Local repository"): published packs are complete.
        this.packsDir = root.resolve(".forge").resolve("packs");
        this.snapshot = snapshots.get();
    }

    @Override
    public Optional<Served> open(String name) {
        if (!ServeNames.servable(name)) return Optional.empty();
        Path forge = root.resolve(".forge");
        if (name.equals(RemoteConfig.BLOB)) {
            RemoteConfig c = RemoteConfig.of(current().chunking()).withWriterFeature(Listings.FEATURE);
            // Purged contents are missing here on purpose: readers must know the purge record.
            if (java.nio.file.Files.exists(forge.resolve(dev.forge.mirror.RemoteRetention.PURGED)))
                c = c.withReaderFeature(dev.forge.mirror.RemoteRetention.PURGE_FEATURE);
            return bytes(c.encode());
        }
        if (name.equals(dev.forge.mirror.RemoteRetention.POLICY)
                || name.equals(dev.forge.mirror.RemoteRetention.PURGED)) {
            try {
                return bytes(java.nio.file.Files.readAllBytes(forge.resolve(name)));
            } catch (java.nio.file.NoSuchFileException e) {
                return Optional.empty();
            } catch (java.io.IOException e) {
                throw new dev.forge.core.error.ForgeException(
                        "cannot read " + forge.resolve(name) + ": " + e.getMessage(), e);
            }
        }
        if (name.equals(Listings.PACKS)) {
            Map<String, Long> entries = new TreeMap<>();
            for (Pack p : packs().values()) {
                entries.put("packs/" + p.id() + ".pack", p.length());
                entries.put("packs/" + p.id() + ".idx", (long) p.index().length);
            }
            return bytes(Listings.encode(entries));
        }
        if (name.equals(Listings.REFS)) {
            Map<String, Long> entries = new TreeMap<>();
            for (String ref : current().refs().keySet()) entries.put(ref, -1L);
            return bytes(Listings.encode(entries));
        }
        if (name.startsWith("refs/")) {
            ObjectId id = current().refs().get(name);
            return id == null ? Optional.empty() : bytes((id.hex() + "\n").getBytes(StandardCharsets.US_ASCII));
        }
        String file = name.substring("packs/".length());
        Pack p = packs().get(file.substring(0, file.indexOf('.')));
        if (p == null) return Optional.empty();
        if (file.endsWith(".idx")) return Optional.of(new Served.Bytes(p.index(), "\"" + p.id() + "\""));
        return Optional.of(new Served.File(p.file(), p.length(), "\"" + p.id() + "\""));
    }

    private static Optional<Served> bytes(byte[] data) {
        return Optional.of(new Served.Bytes(
                data, "\"" + Blake3.newHasher().hash(data, 0, data.length).hex() + "\""));
    }

    private Snapshot current() {
        packs();
        return snapshot;
    }

    /**
     * The packs by remote id, from a listing of the packs folder at most {@code refreshMillis} old;
     * the refs are read again at the same time, after the listing, so a ref never names a commit
     * whose pack is not listed.
     */
    private Map<String, Pack> packs() {
        long now = System.currentTimeMillis();
        if (now - refreshed < refreshMillis) return byId;
        synchronized (this) {
            if (now - refreshed < refreshMillis) return byId;
            Map<String, Pack> next = new ConcurrentHashMap<>();
            Set<Path> seen = new HashSet<>();
            try (Stream<Path> s = Files.list(packsDir)) {
                for (Path f : s.filter(x -> x.getFileName().toString().endsWith(".pack"))
                        .toList()) {
                    try {
                        long length = Files.size(f);
                        long modified = Files.getLastModifiedTime(f).toMillis();
                        Pack known = byFile.get(f);
                        Pack p = known != null && known.length() == length && known.modified() == modified
                                ? known
                                : index(f, length, modified);
                        byFile.put(f, p);
                        next.put(p.id(), p);
                        seen.add(f);
                    } catch (NoSuchFileException gone) {
                        // removed by gc while listing
                    } catch (IntegrityException damaged) {
                        // Left out: clients asking for its objects hear the remote lacks them (fsck says more).
                    }
                }
            } catch (IOException e) {
                throw new ForgeException("cannot list " + packsDir + ": " + e.getMessage(), e);
            }
            byFile.keySet().retainAll(seen);
            byId = next;
            try {
                snapshot = snapshots.get();
            } catch (ForgeException e) {
                // busy or unreadable for a moment: serve the refs read last time
            }
            refreshed = now;
            return next;
        }
    }

    /** Builds the remote pack index of a local pack file from its record headers. */
    private static Pack index(Path file, long length, long modified) throws IOException {
        List<PackIndex.Entry> entries = new ArrayList<>();
        Set<ObjectId> ids = new HashSet<>();
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            long end = length - PackLayout.TRAILER_SIZE;
            ByteBuffer h = ByteBuffer.allocate(PackLayout.RECORD_HEADER_SIZE);
            long off = PackLayout.HEADER_SIZE;
            while (off < end) {
                h.clear();
                while (h.hasRemaining()) {
                    if (in.read(h, off + h.position()) < 0) throw damaged(file, off);
                }
                byte[] b = h.array();
                if ((b[0] & 0xFF) != 0xFB) throw damaged(file, off);
                ObjectId id = ObjectId.of(b, 4);
                int raw = h.getInt(36);
                int stored = h.getInt(40);
                if (stored < 0 || off + PackLayout.RECORD_HEADER_SIZE + stored > end) throw damaged(file, off);
                ObjectType type;
                Codec codec;
                try {
                    type = ObjectType.fromCode(b[1] & 0xFF);
                    codec = Codec.fromCode(b[2] & 0xFF);
                } catch (IllegalArgumentException e) {
                    throw damaged(file, off);
                }
                // A pack index names each object once; a second copy in the same pack is never needed.
                if (ids.add(id)) entries.add(new PackIndex.Entry(id, type, codec, raw, stored, off));
                off += PackLayout.RECORD_HEADER_SIZE + stored;
            }
        }
        byte[] index = PackIndex.encode(entries, length);
        return new Pack(file, length, modified, PackIndex.packIdOf(index, Blake3.newHasher()), index);
    }

    private static IntegrityException damaged(Path file, long offset) {
        return new IntegrityException(
                "the pack " + file + " is damaged at offset " + offset + " (run forge fsck); it cannot be served");
    }

    @Override
    public String describe() {
        return root.toString();
    }

    @Override
    public void close() {}
}
