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
 * <p>Measured on the build machine (JDK 25, one thread of a shared 2-core VM, 256 KiB chunks,
 * compress / safe-decompress): word-salad text (ratio 0.41 JNI, 0.44 Java) JNI 430-485 MB/s /
 * 1.5-2.0 GB/s, JavaSafe 250-260 MB/s / 0.77-0.85 GB/s; random bytes JNI 8.6-14.7 GB/s / 22-25 GB/s,
 * JavaSafe 6.8-7.3 GB/s / 32-34 GB/s (incompressible input is skipped almost entirely). For
 * comparison zstd-jni on the same text: level 3 350-390 MB/s / 1.2 GB/s (ratio 0.18), level 19
 * about 2 MB/s (ratio 0.13).
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
