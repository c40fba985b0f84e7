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

    /** Makes everything put so far durable, then visible. */
    void flush();

    /** Flushes and releases the writer. */
    @Override
    void close();
}
