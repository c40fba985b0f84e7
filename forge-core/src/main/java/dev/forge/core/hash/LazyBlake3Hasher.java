package dev.forge.core.hash;

import dev.forge.core.model.ObjectId;
import dev.forge.core.model.ObjectType;
import java.nio.ByteBuffer;

/**
 * The hasher {@link Blake3#newHasher()} hands out: pure Java until this hasher has seen
 * {@link #NATIVE_AFTER} bytes (or another hasher has loaded the native library already), native from
 * then on. Loading libblake3 and linking its FFM downcalls costs 50 to 90 ms at start, more than all
 * the hashing a {@code forge status} or {@code log} does (a few small tree objects); ingest and
 * checkout pass the threshold with their first chunks. Both implementations give identical ids.
 */
final class LazyBlake3Hasher implements Blake3Hasher {
    /** 1 MiB: the Java hasher spends about 5 ms on it, about a tenth of the native start-up. */
    static final long NATIVE_AFTER = 1 << 20;

    private final JavaBlake3Hasher java = new JavaBlake3Hasher();
    private Blake3Hasher chosen;
    private long seen;

    private Blake3Hasher pick(long len) {
        if (chosen != null) return chosen;
        seen += len;
        if (seen >= NATIVE_AFTER || Blake3.nativeLoaded()) chosen = Blake3.newEagerHasher();
        return chosen != null ? chosen : java;
    }

    @Override
    public ObjectId hash(byte[] in, int off, int len) {
        return pick(len).hash(in, off, len);
    }

    @Override
    public ObjectId hash(ObjectType type, byte[] in, int off, int len) {
        return pick(len).hash(type, in, off, len);
    }

    @Override
    public ObjectId hash(ByteBuffer in) {
        return pick(in.remaining()).hash(in);
    }

    /** The implementation large inputs get: "native" when libblake3 loads, else "java". */
    @Override
    public String implementation() {
        return Blake3.nativeAvailable() ? "native" : "java";
    }
}
