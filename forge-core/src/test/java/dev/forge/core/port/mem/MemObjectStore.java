package dev.forge.core.port.mem;

import dev.forge.core.codec.ChunkDecoder;
import dev.forge.core.codec.Codec;
import dev.forge.core.codec.CorruptPayloadException;
import dev.forge.core.error.IntegrityException;
import dev.forge.core.error.NotFoundException;
import dev.forge.core.hash.Blake3;
import dev.forge.core.model.ObjectId;
import dev.forge.core.model.ObjectType;
import dev.forge.core.port.ObjectStore;
import dev.forge.core.port.ObjectWriter;
import dev.forge.core.port.StoredObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The {@link ObjectStore} of a {@link MemLocalStore}: records in a {@link MemDisk} instead of pack
 * files. It keeps the port's promises as the pack store does: an id is visible only once its writer
 * has flushed, {@link #contains} also answers for ids another live writer holds, and every read
 * decodes the payload and re-hashes it with BLAKE3, so an object stored under the wrong id is refused
 * with {@link IntegrityException} on read, never returned. Objects are not hashed when written
 * (neither does the pack store): a wrong id is caught where the real store would catch it.
 */
final class MemObjectStore implements ObjectStore {
    private final MemDisk disk;
    private final MemLocalStore owner;
    /** Ids held by live writers of this opening: a crash (close without flush) forgets them. */
    private final Set<ObjectId> pending = ConcurrentHashMap.newKeySet();

    MemObjectStore(MemDisk disk, MemLocalStore owner) {
        this.disk = disk;
        this.owner = owner;
    }

    @Override
    public boolean contains(ObjectId id) {
        return pending.contains(id) || disk.has(id);
    }

    private MemDisk.Entry entry(ObjectId id) {
        MemDisk.Entry e = disk.get(id);
        if (e == null) throw new NotFoundException("object " + id.shortHex() + " is not in this repository");
        return e;
    }

    @Override
    public byte[] read(ObjectId id) {
        return verified(entry(id));
    }

    @Override
    public StoredRecord readStored(ObjectId id) {
        MemDisk.Entry e = entry(id);
        verified(e);
        return new StoredRecord(
                id, e.type(), e.codec(), e.rawLength(), e.payload().clone());
    }

    @Override
    public Optional<StoredObject> stat(ObjectId id) {
        MemDisk.Entry e = disk.get(id);
        return e == null ? Optional.empty() : Optional.of(e.stored());
    }

    /** The entry's raw bytes after decoding them and checking their BLAKE3 id. */
    static byte[] verified(MemDisk.Entry e) {
        String where = "memory pack " + e.pack() + " at offset " + e.offset();
        byte[] raw;
        try (ChunkDecoder decoder = new ChunkDecoder()) {
            raw = decoder.decode(e.codec(), e.payload(), 0, e.payload().length, e.rawLength());
        } catch (CorruptPayloadException x) {
            throw new IntegrityException(
                    "damaged payload in " + where + " for object " + e.id().shortHex() + ": " + x.getMessage());
        }
        ObjectId actual = Blake3.newHasher().hash(e.type(), raw, 0, raw.length);
        if (!actual.equals(e.id())) {
            throw new IntegrityException("object " + e.id().shortHex() + " in " + where + " hashes to "
                    + actual.shortHex() + " (damaged data)");
        }
        return raw;
    }

    @Override
    public ObjectWriter newWriter() {
        return new Writer();
    }

    @Override
    public List<StoredObject> findByHexPrefix(String hexPrefix, int limit) {
        List<StoredObject> out = new ArrayList<>();
        ObjectId from = ObjectId.parse(hexPrefix + "0".repeat(ObjectId.LENGTH * 2 - hexPrefix.length()));
        for (MemDisk.Entry e : disk.from(from, limit)) {
            if (!e.id().hex().startsWith(hexPrefix)) break;
            out.add(e.stored());
        }
        return out;
    }

    @Override
    public void forEach(Consumer<StoredObject> action) {
        for (MemDisk.Entry e : disk.all()) action.accept(e.stored());
    }

    /** Drops the claims of this opening's writers: what a crash does to unflushed packs. */
    void forgetPending() {
        pending.clear();
    }

    /** Collects puts and publishes them together on flush, as one "pack". */
    private final class Writer implements ObjectWriter {
        private final List<MemDisk.Entry> unpublished = new ArrayList<>();
        private boolean closed;

        @Override
        public boolean put(ObjectId id, ObjectType type, Codec codec, int rawLength, byte[] payload, int off, int len) {
            if (closed) throw new IllegalStateException("writer is closed");
            owner.checkOpen();
            if (disk.has(id) || !pending.add(id)) return false;
            unpublished.add(new MemDisk.Entry(
                    id, type, codec, rawLength, Arrays.copyOfRange(payload, off, off + len), null, 0));
            return true;
        }

        @Override
        public void flush() {
            if (unpublished.isEmpty()) return;
            owner.checkOpen();
            try {
                disk.publish(unpublished);
            } finally {
                for (MemDisk.Entry e : unpublished) pending.remove(e.id());
                unpublished.clear();
            }
        }

        @Override
        public void close() {
            if (closed) return;
            try {
                flush();
            } finally {
                closed = true;
            }
        }
    }
}
