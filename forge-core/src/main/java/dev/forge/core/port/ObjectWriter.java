package dev.forge.core.port;

import dev.forge.core.codec.Codec;
import dev.forge.core.model.ObjectId;
import dev.forge.core.model.ObjectType;

/**
 * Appends objects for one thread (shared-nothing: its own pack file). Nothing written is visible until
 * {@link #flush} returns; after a crash before that, the bytes are unreferenced garbage, never an index
 * entry pointing at missing data.
 */
public interface ObjectWriter extends AutoCloseable {
    /**
     * Stores an object unless the store (or any live writer) already has it intact ({@link
     * ObjectStore#containsIntact}); a copy known to be damaged is replaced by this one when it is flushed.
     *
     * @param payload the encoded bytes ({@code codec} applied to the raw bytes)
     * @return whether this call stored it
     */
    boolean put(ObjectId id, ObjectType type, Codec codec, int rawLength, byte[] payload, int off, int len);

    /**
     * As {@link #put}, for a record copied from another pack of the same layout (docs/format.md, "Pack
     * file") and verified there: {@code recordCrc} is that record's CRC32C (of its 44 header bytes and
     * the payload), which a writer of the same layout stores as it is instead of computing it again. A
     * wrong one is caught by the check of every read, as damage would be.
     */
    default boolean putVerified(
            ObjectId id, ObjectType type, Codec codec, int rawLength, byte[] payload, int off, int len, int recordCrc) {
        return put(id, type, codec, rawLength, payload, off, len);
    }

    /** Makes everything put so far durable, then visible. */
    void flush();

    /** Flushes and releases the writer. */
    @Override
    void close();
}
