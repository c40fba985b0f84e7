package dev.forge.core.hash;

import dev.forge.core.model.ObjectId;
import dev.forge.core.model.ObjectType;
import java.nio.ByteBuffer;

/**
 * The hasher {@link Blake3#newHasher()} hands out: pure Java until the hashers of this process have
 * seen {@link #NATIVE_AFTER} bytes together (or one has loaded the native library already), native
 * from then on. Loading libblake3 and linking its FFM downcalls costs 50 to 90 ms at start, more than
 * all the hashing a {@code forge status} or {@code log} does (a few small tree objects); ingest and
 * checkout pass the threshold with their first chunks. The count is for the process, not per hasher:
 * a fetch makes a hasher per pack index and per blob it reads, each under the threshold, and hashed
 * all of them in Java (4% of a pull's CPU). Both implementations give identical ids.
 */
final class LazyBlake3Hasher implements Blake3Hasher {
    /** 1 MiB: the Java hasher spends about 5 ms on it, about a tenth of the native start-up. */
    static final long NATIVE_AFTER = 1 << 20;

    /** Bytes given to hashers of this process before the native library was loaded. */
    private static final java.util.concurrent.atomic.AtomicLong SEEN = new java.util.concurrent.atomic.AtomicLong();

    private final JavaBlake3Hasher java = new JavaBlake3Hasher();
    private Blake3Hasher chosen;

    private Blake3Hasher pick(long len) {
        if (chosen != null) return chosen;
        if (Blake3.nativeLoaded() || SEEN.addAndGet(len) >= NATIVE_AFTER) chosen = Blake3.newEagerHasher();
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
