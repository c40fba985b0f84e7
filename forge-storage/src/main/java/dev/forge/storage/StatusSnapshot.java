package dev.forge.storage;

import dev.forge.core.model.Commit;
import dev.forge.core.model.Head;
import dev.forge.core.model.ObjectId;
import dev.forge.core.model.ObjectType;
import dev.forge.core.model.RefNames;
import dev.forge.core.port.MetadataStore;
import dev.forge.core.port.ObjectStore;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * What {@code forge status} reads from the index, kept beside it in {@code .forge/status-snapshot}
 * (format in docs/format.md), so that a status of an unchanged repository needs neither RocksDB's
 * library (a 17 MB native load) nor a database open: about 60 ms of a 4,000-file status.
 *
 * <p>It holds HEAD, the commit HEAD names and that commit's tree, the stage tree recorded by the last
 * commit, and the generation of the stage file the index names; and it is valid only while the index
 * is exactly as it was when the snapshot was taken. That is checked by a <em>fingerprint</em> of the
 * index folder: name, size and modification time of RocksDB's write-ahead logs, manifests, options
 * files and {@code CURRENT}. Every write to RocksDB appends to a write-ahead log (Forge never writes
 * without one), every flush or compaction appends to the manifest, and every read-write open starts a
 * new log; so any change to the index changes the fingerprint, and a snapshot that does not match is
 * ignored (the status opens the index and takes a new one). The fingerprint is compared under the
 * index's shared lock, which no writer holds at the same time, so no write can be half done.
 *
 * <p>Written only by a status that had to open the index (read-only, under the same lock), by
 * temporary file and rename, without fsync: a torn or lost file only costs the next status the open.
 * A snapshot is never written during a merge or while the stage is in the index (repository format
 * 1) or mid-move: those statuses open the index.
 */
final class StatusSnapshot {
    static final String FILE = "status-snapshot";
    private static final String TMP_PREFIX = "status-snapshot.tmp-";
    private static final byte[] MAGIC = "FGSNAP\0\1".getBytes(StandardCharsets.US_ASCII);
    /** A snapshot is a few hundred bytes; anything much larger is not one. */
    private static final int MAX_SIZE = 1 << 20;

    final Head head;
    final Optional<ObjectId> headCommit;
    final Optional<ObjectId> headTree;
    final Optional<MetadataStore.StageTree> stageTree;
    final long stageGeneration;
    final byte[] fingerprint;

    StatusSnapshot(
            Head head,
            Optional<ObjectId> headCommit,
            Optional<ObjectId> headTree,
            Optional<MetadataStore.StageTree> stageTree,
            long stageGeneration,
            byte[] fingerprint) {
        this.head = head;
        this.headCommit = headCommit;
        this.headTree = headTree;
        this.stageTree = stageTree;
        this.stageGeneration = stageGeneration;
        this.fingerprint = fingerprint;
    }

    /**
     * The fingerprint of the index folder {@code index}: every file but the table files (which never
     * change once written, and which only appear or go with a manifest write), RocksDB's info logs
     * (written by read-only opens too) and the lock file, sorted by name.
     */
    static byte[] fingerprint(Path index) throws IOException {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(index)) {
            for (Path p : ds) {
                String n = p.getFileName().toString();
                if (n.endsWith(".sst") || n.startsWith("LOG") || n.equals(IndexLock.FILE)) continue;
                names.add(n);
            }
        }
        java.util.Collections.sort(names);
        ByteBuffer b = ByteBuffer.allocate(names.size() * (2 + 255 + 24) + 4);
        b.putInt(names.size());
        for (String n : names) {
            byte[] nb = n.getBytes(StandardCharsets.UTF_8);
            BasicFileAttributes a;
            try {
                a = Files.readAttributes(index.resolve(n), BasicFileAttributes.class);
            } catch (NoSuchFileException gone) {
                // A read-only open of the same index elsewhere cannot delete files; a writer could, but
                // the caller holds the shared lock. Record it as absent: the next comparison differs.
                a = null;
            }
            b.putShort((short) Math.min(nb.length, 255)).put(nb, 0, Math.min(nb.length, 255));
            b.putLong(a == null ? -1 : a.size());
            b.putLong(a == null ? -1 : a.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS));
            Object key = a == null ? null : a.fileKey();
            b.putLong(key == null ? 0 : key.hashCode());
        }
        return java.util.Arrays.copyOf(b.array(), b.position());
    }

    /**
     * Takes a snapshot of an index just opened read-only by a status, under its shared lock: null when
     * the repository is in a state a snapshot does not cover (a merge in progress, the stage still in
     * the index or mid-move, a HEAD commit that cannot be read).
     */
    static StatusSnapshot take(Path index, RocksMetadataStore meta, ObjectStore objects) {
        try {
            if (meta.mergeState().isPresent()) return null;
            Long generation = meta.settledStageGeneration();
            if (generation == null) return null;
            Head head = meta.head();
            Optional<ObjectId> commit = switch (head) {
                case Head.OnBranch b -> meta.ref(RefNames.branch(b.branch()));
                case Head.Detached d -> Optional.of(d.commit());
            };
            Optional<ObjectId> tree = Optional.empty();
            if (commit.isPresent()) {
                var info = objects.stat(commit.get());
                if (info.isEmpty() || info.get().type() != ObjectType.COMMIT) return null;
                tree = Optional.of(Commit.decode(objects.read(commit.get())).tree());
            }
            return new StatusSnapshot(head, commit, tree, meta.stageTree(), generation, fingerprint(index));
        } catch (IOException | RuntimeException | dev.forge.core.model.MalformedObjectException e) {
            return null;
        }
    }

    byte[] encode() {
        byte[] h = head.encode().getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(MAGIC.length + 4 + h.length + 3 * 33 + 8 + 8 + 4 + fingerprint.length + 4);
        b.put(MAGIC);
        b.putInt(h.length).put(h);
        putId(b, headCommit);
        putId(b, headTree);
        putId(b, stageTree.map(MetadataStore.StageTree::tree));
        b.putLong(stageTree.map(MetadataStore.StageTree::stageDigest).orElse(0L));
        b.putLong(stageGeneration);
        b.putInt(fingerprint.length).put(fingerprint);
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, b.position());
        b.putInt((int) crc.getValue());
        return java.util.Arrays.copyOf(b.array(), b.position());
    }

    private static void putId(ByteBuffer b, Optional<ObjectId> id) {
        if (id.isEmpty()) {
            b.put((byte) 0).put(new byte[32]);
        } else {
            b.put((byte) 1).put(id.get().toBytes());
        }
    }

    private static Optional<ObjectId> getId(ByteBuffer b) {
        byte present = b.get();
        byte[] id = new byte[32];
        b.get(id);
        if (present == 0) return Optional.empty();
        if (present != 1) throw new IllegalArgumentException("bad id flag " + present);
        return Optional.of(ObjectId.of(id));
    }

    /** The snapshot in {@code forgeDir}, or null when there is none or it does not check. */
    static StatusSnapshot read(Path forgeDir) {
        byte[] bytes;
        try {
            Path f = forgeDir.resolve(FILE);
            if (Files.size(f) > MAX_SIZE) return null;
            bytes = Files.readAllBytes(f);
        } catch (IOException e) {
            return null;
        }
        try {
            if (bytes.length < MAGIC.length + 4) return null;
            CRC32C crc = new CRC32C();
            crc.update(bytes, 0, bytes.length - 4);
            ByteBuffer b = ByteBuffer.wrap(bytes);
            if (b.getInt(bytes.length - 4) != (int) crc.getValue()) return null;
            byte[] magic = new byte[MAGIC.length];
            b.get(magic);
            if (!java.util.Arrays.equals(magic, MAGIC)) return null;
            byte[] h = new byte[b.getInt()];
            b.get(h);
            Head head = Head.parse(new String(h, StandardCharsets.UTF_8));
            Optional<ObjectId> commit = getId(b);
            Optional<ObjectId> tree = getId(b);
            Optional<ObjectId> stageTreeId = getId(b);
            long stageDigest = b.getLong();
            long generation = b.getLong();
            byte[] fp = new byte[b.getInt()];
            b.get(fp);
            if (b.remaining() != 4) return null;
            return new StatusSnapshot(
                    head,
                    commit,
                    tree,
                    stageTreeId.map(t -> new MetadataStore.StageTree(t, stageDigest)),
                    generation,
                    fp);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Whether the index folder is exactly as it was when this snapshot was taken. */
    boolean matches(Path index) {
        try {
            return java.util.Arrays.equals(fingerprint, fingerprint(index));
        } catch (IOException e) {
            return false;
        }
    }

    /** Removes what a killed {@link #write} left (called where no status can be writing one). */
    static void sweep(Path forgeDir) {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(forgeDir, TMP_PREFIX + "*")) {
            for (Path p : ds) Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // best effort: a few hundred bytes
        }
    }

    /** Publishes this snapshot by temporary file and rename; best effort (a cache). */
    void write(Path forgeDir) {
        Path tmp = forgeDir.resolve(TMP_PREFIX
                + Long.toHexString(
                        java.util.concurrent.ThreadLocalRandom.current().nextLong()));
        try {
            Files.write(tmp, encode(), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            Files.move(
                    tmp, forgeDir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // a leftover of a few hundred bytes, swept by the next command that opens to write
            }
        }
    }
}
