package dev.forge.core.hash;

import dev.forge.core.model.ObjectId;
import dev.forge.core.model.ObjectType;
import java.nio.ByteBuffer;

/**
 * A BLAKE3-256 hasher for object ids. Obtain one from {@link Blake3#newHasher()}.
 *
 * <p>An instance keeps reusable state and scratch memory, so it is <b>not thread-safe</b>: use one
 * per thread. Every call is independent of the previous one (no streaming across calls), and all
 * implementations produce identical ids for identical input.
 */
public interface Blake3Hasher {

    /** Plain BLAKE3 of {@code in[off, off+len)}: the id of a chunk. */
    ObjectId hash(byte[] in, int off, int len);

    /**
     * The id of an object of the given type: plain BLAKE3 for {@link ObjectType#CHUNK}, BLAKE3
     * derive_key mode with context {@link ObjectType#hashContext()} for every other type, so that a
     * tree can never collide with a chunk that happens to hold the same bytes.
     */
    ObjectId hash(ObjectType type, byte[] in, int off, int len);

    /**
     * Plain BLAKE3 of the bytes between the buffer's position and limit. Works on direct, heap and
     * read-only buffers; does not move the position.
     */
    ObjectId hash(ByteBuffer in);

    /** {@code "native"} for the libblake3 (SIMD) implementation, {@code "java"} for the pure-Java one. */
    String implementation();
}
