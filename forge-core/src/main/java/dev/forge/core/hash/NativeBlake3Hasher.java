package dev.forge.core.hash;

import dev.forge.core.model.ObjectId;
import dev.forge.core.model.ObjectType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * BLAKE3 through libblake3's C API (see {@link NativeBlake3Library}). Not thread-safe (see {@link
 * Blake3Hasher}).
 *
 * <p>The hasher state, the output and the context strings live in one automatic arena owned by
 * this object: they are reused by every call and freed when the hasher becomes unreachable, so a
 * hasher needs no close().
 */
final class NativeBlake3Hasher implements Blake3Hasher {
    /**
     * Largest slice handed to one critical update. A critical call holds off the GC for its duration;
     * 1 MiB hashes in well under a millisecond, and the slice is a multiple of BLAKE3's 1 KiB chunk so
     * the SIMD kernels still see whole batches.
     */
    private static final int MAX_CRITICAL_SLICE = 1 << 20;

    private final NativeBlake3Library lib;
    private final MemorySegment state;
    private final MemorySegment out;
    /** NUL-terminated derive_key contexts, indexed by type code; null for CHUNK. */
    private final MemorySegment[] contexts = new MemorySegment[ObjectType.values().length];

    private final byte[] outBytes = new byte[ObjectId.LENGTH];

    NativeBlake3Hasher(NativeBlake3Library lib) {
        this.lib = lib;
        Arena arena = Arena.ofAuto();
        this.state = arena.allocate(NativeBlake3Library.HASHER_SIZE, NativeBlake3Library.HASHER_ALIGN);
        this.out = arena.allocate(ObjectId.LENGTH);
        for (ObjectType type : ObjectType.values()) {
            String context = type.hashContext();
            if (context != null) contexts[type.code()] = arena.allocateFrom(context);
        }
    }

    @Override
    public ObjectId hash(byte[] in, int off, int len) {
        Objects.checkFromIndexSize(off, len, in.length);
        try {
            lib.init.invokeExact(state);
            return updateAndFinish(MemorySegment.ofArray(in), off, len);
        } catch (Throwable t) {
            throw propagate(t);
        }
    }

    @Override
    public ObjectId hash(ObjectType type, byte[] in, int off, int len) {
        Objects.requireNonNull(type, "type");
        Objects.checkFromIndexSize(off, len, in.length);
        try {
            MemorySegment context = contexts[type.code()];
            if (context == null) {
                lib.init.invokeExact(state);
            } else {
                lib.initDeriveKey.invokeExact(state, context);
            }
            return updateAndFinish(MemorySegment.ofArray(in), off, len);
        } catch (Throwable t) {
            throw propagate(t);
        }
    }

    @Override
    public ObjectId hash(ByteBuffer in) {
        // ofBuffer covers position..limit without touching the buffer's position; for heap buffers it is
        // a heap segment, which the critical update accepts without a copy.
        MemorySegment data = MemorySegment.ofBuffer(in);
        try {
            lib.init.invokeExact(state);
            return updateAndFinish(data, 0, data.byteSize());
        } catch (Throwable t) {
            throw propagate(t);
        }
    }

    private ObjectId updateAndFinish(MemorySegment data, long off, long len) throws Throwable {
        long end = off + len;
        // Empty input makes no update call at all: BLAKE3 of nothing is just init + finalize.
        for (long pos = off; pos < end; pos += MAX_CRITICAL_SLICE) {
            long n = Math.min(MAX_CRITICAL_SLICE, end - pos);
            lib.update.invokeExact(state, data.asSlice(pos, n), n);
        }
        lib.finalizeOut.invokeExact(state, out, (long) ObjectId.LENGTH);
        MemorySegment.copy(out, ValueLayout.JAVA_BYTE, 0, outBytes, 0, ObjectId.LENGTH);
        return ObjectId.of(outBytes);
    }

    /** invokeExact declares Throwable; only Errors and RuntimeExceptions can actually happen here. */
    private static RuntimeException propagate(Throwable t) {
        if (t instanceof Error e) throw e;
        if (t instanceof RuntimeException e) return e;
        return new IllegalStateException("libblake3 call failed", t);
    }

    @Override
    public String implementation() {
        return "native";
    }
}
