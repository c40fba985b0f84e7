package dev.forge.core.hash;

/**
 * Entry point for BLAKE3-256 hashing: hands out {@link Blake3Hasher}s.
 *
 * <p>{@link #newEagerHasher()} returns the native libblake3 hasher (SIMD, several times faster on large
 * chunks) when the library loads and passes its self-test, and the pure-Java hasher otherwise;
 * {@link #newHasher()} switches to it after its first megabyte. The
 * load is attempted once per process; a failure is never thrown, only recorded in {@link
 * #nativeUnavailableReason()}. Both implementations give identical ids for identical input.
 *
 * <p>Native against Java (hashing would otherwise be the bottleneck of ingest): docs/benchmarks.md,
 * "LZ4, zstd and BLAKE3".
 */
public final class Blake3 {
    private Blake3() {}

    /** Lazy holder: the first hasher request pays for extraction, binding and the self-test. */
    private static final class NativeHolder {
        static final NativeBlake3Library LIBRARY;
        static final String REASON;

        static {
            NativeBlake3Library lib = null;
            String reason = null;
            try {
                lib = NativeBlake3Library.load();
            } catch (Throwable t) {
                // Anything at all (unsupported platform, native access denied, missing symbol, failed
                // self-test) means "use Java"; the reason is kept for diagnostics such as `forge doctor`.
                if (t instanceof VirtualMachineError e) throw e;
                reason = t.getClass().getSimpleName() + ": " + t.getMessage();
            }
            LIBRARY = lib;
            REASON = reason;
        }
    }

    private static volatile boolean loaded;

    /**
     * A new hasher for one thread: Java for its first megabyte, then native when available (see
     * {@link LazyBlake3Hasher}: short commands never pay for loading the library).
     */
    public static Blake3Hasher newHasher() {
        return new LazyBlake3Hasher();
    }

    /** A hasher that is native when available, else Java, from its first byte (loads the library now). */
    public static Blake3Hasher newEagerHasher() {
        NativeBlake3Library lib = NativeHolder.LIBRARY;
        loaded = true;
        return lib != null ? new NativeBlake3Hasher(lib) : new JavaBlake3Hasher();
    }

    /** Whether some hasher has loaded (or tried to load) the native library already. */
    static boolean nativeLoaded() {
        return loaded;
    }

    /** A new pure-Java hasher, regardless of native availability. */
    public static Blake3Hasher newJavaHasher() {
        return new JavaBlake3Hasher();
    }

    /** Whether {@link #newHasher()} returns the native implementation. */
    public static boolean nativeAvailable() {
        loaded = true;
        return NativeHolder.LIBRARY != null;
    }

    /**
     * Whether hashing uses the native implementation, answered without loading it when this build's
     * library passed its self-test in an earlier run on this machine (a record beside the cached
     * copy, see {@link NativeBlake3Library#PASSED}); otherwise, or once some hasher has loaded it,
     * the same as {@link #nativeAvailable()}. For reports such as {@code forge version}, which should
     * not pay 20 to 35 ms for binding and testing a library that it does not use.
     */
    public static boolean nativeAvailableOrPassedEarlier() {
        if (!loaded && NativeBlake3Library.passedEarlier()) return true;
        return nativeAvailable();
    }

    /** Why the native implementation could not be used, or null when it is available. */
    public static String nativeUnavailableReason() {
        return NativeHolder.REASON;
    }
}
