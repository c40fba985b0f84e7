package dev.forge.core.hash;

import dev.forge.core.model.ObjectId;
import dev.forge.core.model.ObjectType;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.apache.commons.codec.digest.Blake3;

/**
 * Pure-Java BLAKE3 on top of commons-codec. The fallback when libblake3 cannot be loaded, and the
 * reference the native hasher is tested against. Not thread-safe (see {@link Blake3Hasher}).
 */
final class JavaBlake3Hasher implements Blake3Hasher {
    /** Direct buffers are copied through this much heap scratch at a time. */
    private static final int SCRATCH_SIZE = 64 * 1024;

    private final Blake3 plain = Blake3.initHash();
    /**
     * One derive_key engine per object type, indexed by type code. reset() keeps the derived key, so
     * the context string is hashed once per hasher instead of once per object.
     */
    private final Blake3[] derived = new Blake3[ObjectType.values().length];

    private final byte[] out = new byte[ObjectId.LENGTH];
    private byte[] scratch;

    JavaBlake3Hasher() {
        for (ObjectType type : ObjectType.values()) {
            String context = type.hashContext();
            if (context != null) {
                derived[type.code()] = Blake3.initKeyDerivationFunction(context.getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    @Override
    public ObjectId hash(byte[] in, int off, int len) {
        Objects.checkFromIndexSize(off, len, in.length);
        return finish(plain.reset().update(in, off, len));
    }

    @Override
    public ObjectId hash(ObjectType type, byte[] in, int off, int len) {
        Objects.requireNonNull(type, "type");
        Objects.checkFromIndexSize(off, len, in.length);
        Blake3 engine = type == ObjectType.CHUNK ? plain : derived[type.code()];
        return finish(engine.reset().update(in, off, len));
    }

    @Override
    public ObjectId hash(ByteBuffer in) {
        int pos = in.position();
        int len = in.remaining();
        plain.reset();
        if (in.hasArray()) {
            plain.update(in.array(), in.arrayOffset() + pos, len);
        } else {
            // Direct and read-only buffers have no accessible array: copy through scratch with absolute
            // gets, which leave the position alone.
            if (scratch == null) scratch = new byte[SCRATCH_SIZE];
            for (int done = 0; done < len; ) {
                int n = Math.min(SCRATCH_SIZE, len - done);
                in.get(pos + done, scratch, 0, n);
                plain.update(scratch, 0, n);
                done += n;
            }
        }
        return finish(plain);
    }

    private ObjectId finish(Blake3 engine) {
        engine.doFinalize(out);
        return ObjectId.of(out);
    }

    @Override
    public String implementation() {
        return "java";
    }
}
