package dev.forge.core.repo;

import dev.forge.core.codec.ChunkEncoder;
import dev.forge.core.codec.Codec;
import dev.forge.core.codec.CompressionPolicy;
import dev.forge.core.hash.Blake3;
import dev.forge.core.hash.Blake3Hasher;
import dev.forge.core.model.ObjectId;
import dev.forge.core.model.ObjectLimits;
import dev.forge.core.model.ObjectType;
import dev.forge.core.port.ObjectStore;
import dev.forge.core.port.ObjectWriter;

/**
 * One thread's path into the store: its own hasher, compressor context and pack writer (shared
 * nothing). Skips compression of anything the store already holds intact; a copy known to be damaged
 * is written again (so adding a file repairs the chunks it shares with damaged records).
 */
final class ObjectSink implements AutoCloseable {
    private final ObjectStore store;
    private final Blake3Hasher hasher = Blake3.newHasher();
    private final ChunkEncoder encoder;
    private final ObjectWriter writer;
    private long newBytes;
    private long newStoredBytes;
    private java.util.function.Predicate<ObjectId> heldElsewhere = id -> false;

    ObjectSink(ObjectStore store, CompressionPolicy policy, int maxChunk) {
        this.store = store;
        this.encoder = new ChunkEncoder(policy, maxChunk);
        this.writer = store.newWriter();
    }

    /**
     * Chunks not to store though this store lacks them: those {@code forge evict} dropped because a
     * remote holds them ({@link EvictedSet}).
     */
    ObjectSink skipping(java.util.function.Predicate<ObjectId> held) {
        this.heldElsewhere = held;
        return this;
    }

    Blake3Hasher hasher() {
        return hasher;
    }

    /**
     * Stores a chunk whose id the caller computed.
     *
     * @return whether compression was tried and paid; null when it was not tried (stored already, or
     *     {@code knownIncompressible})
     */
    Boolean putChunk(ObjectId id, byte[] buf, int off, int len, boolean knownIncompressible) {
        if (store.containsIntact(id) || heldElsewhere.test(id)) return null;
        ChunkEncoder.Encoded e = encoder.encode(buf, off, len, knownIncompressible);
        if (writer.put(id, ObjectType.CHUNK, e.codec(), len, e.buf(), e.off(), e.len())) {
            newBytes += len;
            newStoredBytes += e.len() + 48;
        }
        return knownIncompressible ? null : e.codec() != Codec.RAW;
    }

    /** Stores a structured object (list, tree, commit) and returns its id. */
    ObjectId putObject(ObjectType type, byte[] encoding) {
        if (encoding.length > ObjectLimits.MAX_STRUCTURED) {
            // Readers refuse larger ones (as damage), so none is ever written.
            throw new dev.forge.core.error.ForgeException("cannot store a "
                    + type.name().toLowerCase(java.util.Locale.ROOT)
                    + " of " + encoding.length + " bytes: the most forge reads is " + ObjectLimits.MAX_STRUCTURED
                    + " bytes (with the default chunking, a file of about 480 GB)");
        }
        ObjectId id = hasher.hash(type, encoding, 0, encoding.length);
        if (!store.containsIntact(id)) {
            // Lists are ids (incompressible); trees and commits are small. Neither is worth a codec.
            if (writer.put(id, type, Codec.RAW, encoding.length, encoding, 0, encoding.length)) {
                newStoredBytes += encoding.length + 48;
            }
        }
        return id;
    }

    /** Whether the store holds {@code id} with a record not known to be damaged. */
    boolean containsIntact(ObjectId id) {
        return store.containsIntact(id);
    }

    long newBytes() {
        return newBytes;
    }

    long newStoredBytes() {
        return newStoredBytes;
    }

    void flush() {
        writer.flush();
    }

    @Override
    public void close() {
        try {
            writer.close();
        } finally {
            encoder.close();
        }
    }
}
