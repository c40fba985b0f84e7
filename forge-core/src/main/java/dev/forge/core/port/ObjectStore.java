package dev.forge.core.port;

import dev.forge.core.model.ObjectId;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The content-addressed store of chunks and objects. Implementations guarantee:
 *
 * <ul>
 *   <li>Durability before visibility: an id becomes visible to {@link #contains} and {@link #read} only
 *       after its bytes are durable (written and fsynced), so a crash never leaves an id that points at
 *       missing or torn bytes.
 *   <li>Verify on read: {@link #read} re-hashes every object and throws {@link
 *       dev.forge.core.error.IntegrityException} naming where the damage is, rather than return wrong
 *       bytes.
 *   <li>Thread safety: every method may be called from many threads; each writer belongs to one
 *       thread.
 * </ul>
 */
public interface ObjectStore {
    /** Whether the store has an entry for {@code id} (intact or not: reads say which). */
    boolean contains(ObjectId id);

    /**
     * Whether the store has {@code id} in a record not known to be damaged: what deduplication may rely
     * on. A record is known to be damaged once a read or fsck found it so, or when it lies past the end
     * of its (truncated) pack. A writer given an id that is not held intact stores it again, and the new
     * record replaces the damaged one, so writing the same bytes again repairs it.
     */
    default boolean containsIntact(ObjectId id) {
        return contains(id);
    }

    /** The ids whose stored record is known to be damaged (see {@link #containsIntact}). */
    default java.util.Set<ObjectId> knownDamaged() {
        return java.util.Set.of();
    }

    /** The object's raw bytes, verified. Throws NotFoundException or IntegrityException. */
    byte[] read(ObjectId id);

    Optional<StoredObject> stat(ObjectId id);

    /**
     * A chunk's raw bytes, verified, in a read-only buffer that may belong to the calling thread and
     * stay valid only until that thread's next {@code readChunk}: checkout streams every chunk through
     * it without allocating. Throws like {@link #read}.
     */
    default java.nio.ByteBuffer readChunk(ObjectId id) {
        return java.nio.ByteBuffer.wrap(read(id)).asReadOnlyBuffer();
    }

    /**
     * The object as stored: its codec and encoded payload, checked (record checksum, decoded bytes
     * re-hashed) but not left decoded, so that it can be copied to another store without recompressing.
     */
    StoredRecord readStored(ObjectId id);

    /** An object as it lies in a pack: encoded with {@code codec}, {@code rawLength} bytes decoded. */
    record StoredRecord(
            ObjectId id,
            dev.forge.core.model.ObjectType type,
            dev.forge.core.codec.Codec codec,
            int rawLength,
            byte[] payload) {}

    /** A writer for one thread. Ids it writes become visible when it is flushed. */
    ObjectWriter newWriter();

    /** Up to {@code limit} stored objects whose hex id starts with {@code hexPrefix}, in id order. */
    java.util.List<StoredObject> findByHexPrefix(String hexPrefix, int limit);

    /** Every stored object's index entry, in id order. */
    void forEach(Consumer<StoredObject> action);
}
