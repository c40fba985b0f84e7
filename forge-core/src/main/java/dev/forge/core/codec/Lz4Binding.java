package dev.forge.core.codec;

import net.jpountz.lz4.LZ4Factory;

/**
 * The one LZ4 implementation Forge uses: lz4-java's JNI binding of the C library, or its pure-Java
 * "safe" implementation where the native library cannot load.
 *
 * <p>Why not {@code fastestInstance()}: it would pick the same JNI instance here, but on failure it
 * falls back through {@code fastestJavaInstance()}, which in org.lz4:lz4-java 1.8 is the
 * sun.misc.Unsafe variant that makes JDK 24+ print "terminally deprecated method in
 * sun.misc.Unsafe" warnings. Choosing
 * explicitly keeps the result (and stderr) predictable. With at.yawk.lz4:lz4-java 1.13.0 on JDK 25
 * none of the instances prints an Unsafe warning ({@code unsafeInstance()} and {@code
 * fastestJavaInstance()} both return JavaSafe there); the JNI one needs
 * {@code --enable-native-access=ALL-UNNAMED}, which the launcher passes, to load silently.
 *
 * <p>JNI against JavaSafe, and zstd for comparison: docs/benchmarks.md, "LZ4, zstd and BLAKE3".
 */
final class Lz4Binding {
    private Lz4Binding() {}

    static final LZ4Factory FACTORY = choose();

    private static LZ4Factory choose() {
        try {
            return LZ4Factory.nativeInstance();
        } catch (Throwable t) {
            // Unsupported platform or native access denied: the Java port produces the same block format.
            if (t instanceof VirtualMachineError e) throw e;
            return LZ4Factory.safeInstance();
        }
    }
}
