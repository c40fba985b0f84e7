package dev.forge.core.repo;

import dev.forge.core.hash.Blake3;
import dev.forge.core.model.ObjectId;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Collection;

/**
 * {@code .forge/evicted}: the chunks {@code forge evict} dropped from this store because a remote
 * holds them (docs/format.md, "Evicted chunks"). {@code forge add} consults it so that a file edited in
 * a few places stores only its new chunks, not again the ones the remote already has: evicted chunks
 * still deduplicate, and are never uploaded again.
 *
 * <p>A sorted array of ids with a checksum, searched in place; written whole (temporary file, fsync,
 * rename), so a reader sees the old set or the new one. A set that is missing, of an unknown version
 * or damaged is read as empty: the only cost is that {@code add} stores such chunks again, so it is
 * never a reason to fail. Hand-written because it is one of Forge's own formats: a file of at most
 * 32 bytes per chunk, read by binary search, needs no library.
 */
public final class EvictedSet {
    /** The file in {@code .forge}. */
    public static final String FILE = "evicted";

    private static final byte[] MAGIC = "FGEVICT\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final int VERSION = 1;
    private static final int HEADER = MAGIC.length + 4 + 8;

    private static final EvictedSet EMPTY = new EvictedSet(new byte[0]);

    /** The ids' bytes, sorted, 32 per id. */
    private final byte[] ids;

    private EvictedSet(byte[] ids) {
        this.ids = ids;
    }

    public static EvictedSet empty() {
        return EMPTY;
    }

    /** The number of chunks in the set. */
    public int size() {
        return ids.length / ObjectId.LENGTH;
    }

    public boolean contains(ObjectId id) {
        byte[] key = id.toBytes();
        int lo = 0;
        int hi = size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = Arrays.compareUnsigned(
                    ids, mid * ObjectId.LENGTH, (mid + 1) * ObjectId.LENGTH, key, 0, ObjectId.LENGTH);
            if (c == 0) return true;
            if (c < 0) lo = mid + 1;
            else hi = mid - 1;
        }
        return false;
    }

    /** The set in {@code forgeDir}, or the empty set when there is none or it cannot be trusted. */
    public static EvictedSet load(Path forgeDir) {
        byte[] all;
        try {
            all = Files.readAllBytes(forgeDir.resolve(FILE));
        } catch (NoSuchFileException e) {
            return EMPTY;
        } catch (IOException e) {
            return EMPTY;
        }
        ByteBuffer b = ByteBuffer.wrap(all);
        if (all.length < HEADER + ObjectId.LENGTH
                || !Arrays.equals(all, 0, MAGIC.length, MAGIC, 0, MAGIC.length)
                || b.getInt(MAGIC.length) != VERSION) {
            return EMPTY;
        }
        long count = b.getLong(MAGIC.length + 4);
        if (count < 0
                || count > (all.length - HEADER - ObjectId.LENGTH) / ObjectId.LENGTH
                || HEADER + count * ObjectId.LENGTH + ObjectId.LENGTH != all.length) {
            return EMPTY;
        }
        int body = all.length - ObjectId.LENGTH;
        ObjectId sum = Blake3.newHasher().hash(all, 0, body);
        if (!Arrays.equals(sum.toBytes(), 0, ObjectId.LENGTH, all, body, all.length)) return EMPTY;
        return new EvictedSet(Arrays.copyOfRange(all, HEADER, body));
    }

    /** Replaces the set in {@code forgeDir} with {@code chunks} (none: the file is removed). */
    public static void save(Path forgeDir, Collection<ObjectId> chunks) {
        Path f = forgeDir.resolve(FILE);
        try {
            if (chunks.isEmpty()) {
                Files.deleteIfExists(f);
                return;
            }
            byte[][] sorted = chunks.stream().map(ObjectId::toBytes).toArray(byte[][]::new);
            Arrays.sort(sorted, Arrays::compareUnsigned);
            ByteBuffer out = ByteBuffer.allocate(HEADER + sorted.length * ObjectId.LENGTH + ObjectId.LENGTH);
            out.put(MAGIC).putInt(VERSION).putLong(sorted.length);
            for (byte[] id : sorted) out.put(id);
            ObjectId sum = Blake3.newHasher().hash(out.array(), 0, out.position());
            out.put(sum.toBytes());
            Path tmp = f.resolveSibling(FILE + ".tmp");
            try (FileChannel ch = FileChannel.open(
                    tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                out.flip();
                while (out.hasRemaining()) ch.write(out);
                ch.force(true);
            }
            Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw Repository.io("cannot write " + f, e);
        }
    }
}
