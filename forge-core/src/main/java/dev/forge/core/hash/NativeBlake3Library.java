package dev.forge.core.hash;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HexFormat;
import java.util.Locale;

/**
 * The bound C API of the libblake3 shipped at the root of the blake3-jni jar (BLAKE3's reference C
 * implementation with SSE4.1/AVX2/AVX-512 kernels and runtime CPU dispatch).
 *
 * <p>Loaded at most once per process: the library is extracted once into the user's cache folder
 * (or, where that cannot be written, to an owner-only temp file deleted at exit), bound through the
 * FFM API, and then checked against known BLAKE3 outputs before it is trusted. Only the four stable {@code blake3_hasher_*} entry points are used; the library's JNI
 * glue is ignored.
 */
final class NativeBlake3Library {
    /** The classpath resource holding the library (root of org.alephium:blake3-jni). */
    static final String RESOURCE = "libblake3.so";

    /**
     * sizeof(blake3_hasher). Not exported by the library, so it is pinned here: 32 (key) + 112
     * (chunk state) + 1 (cv_stack_len) + 55 * 32 (cv_stack), padded to 8 = 1912. Confirmed from the
     * bundled binary, whose JNI allocate_hasher function is {@code malloc(0x778)}, and by the official
     * test vectors (up to 100 KiB, i.e. a deep cv stack) passing through this binding.
     */
    static final long HASHER_SIZE = 1912;

    /**
     * The record, beside the cached library, that it passed its self-test on this machine: an empty
     * file made after the first successful load, removed when a load of that copy fails. {@code forge
     * version} reads it instead of loading the library (binding and testing it was a third of that
     * command's time); every load that hashes still runs the self-test.
     */
    static final String PASSED = "self-test-passed";

    /** The state is a struct of uint32/uint64/uint8 arrays; 8-byte alignment covers every member. */
    static final long HASHER_ALIGN = 8;

    final MethodHandle init;
    final MethodHandle initDeriveKey;
    /** Marked critical so heap arrays can be passed without copying (the GC waits for the call). */
    final MethodHandle update;

    final MethodHandle finalizeOut;

    // Binding native code is restricted; the launcher passes --enable-native-access=ALL-UNNAMED.
    @SuppressWarnings("restricted")
    private NativeBlake3Library(SymbolLookup lookup) {
        Linker linker = Linker.nativeLinker();
        // void blake3_hasher_init(blake3_hasher *self);
        init = linker.downcallHandle(
                find(lookup, "blake3_hasher_init"), FunctionDescriptor.ofVoid(ValueLayout.ADDRESS));
        // void blake3_hasher_init_derive_key(blake3_hasher *self, const char *context);
        initDeriveKey = linker.downcallHandle(
                find(lookup, "blake3_hasher_init_derive_key"),
                FunctionDescriptor.ofVoid(ValueLayout.ADDRESS, ValueLayout.ADDRESS));
        // void blake3_hasher_update(blake3_hasher *self, const void *input, size_t input_len);
        update = linker.downcallHandle(
                find(lookup, "blake3_hasher_update"),
                FunctionDescriptor.ofVoid(ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG),
                Linker.Option.critical(true));
        // void blake3_hasher_finalize(const blake3_hasher *self, uint8_t *out, size_t out_len);
        finalizeOut = linker.downcallHandle(
                find(lookup, "blake3_hasher_finalize"),
                FunctionDescriptor.ofVoid(ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
    }

    private static MemorySegment find(SymbolLookup lookup, String name) {
        return lookup.find(name).orElseThrow(() -> new IllegalStateException("libblake3 has no symbol " + name));
    }

    /**
     * Extracts, binds and self-tests the library.
     *
     * @throws Throwable (of any kind, as downcalls declare Throwable) when the platform is
     *     unsupported or the library is unusable; the caller records the message and falls back to Java
     */
    static NativeBlake3Library load() throws Throwable {
        // The jar only carries an x86-64 ELF build (plus a macOS dylib we do not use).
        if (!platformSupported()) {
            throw new UnsupportedOperationException("no bundled libblake3 for " + System.getProperty("os.name", "")
                    + "/" + System.getProperty("os.arch", ""));
        }
        Path cached = cached();
        if (cached != null) {
            try {
                NativeBlake3Library lib = bind(cached);
                recordPassed(cached.resolveSibling(PASSED));
                return lib;
            } catch (Throwable t) {
                if (t instanceof VirtualMachineError e) throw e;
                // Not the library it should be (a copy damaged on disk): never use it again.
                Files.deleteIfExists(cached.resolveSibling(PASSED));
                Files.deleteIfExists(cached);
            }
        }
        return bind(extract());
    }

    /**
     * Whether this build's cached library passed its self-test in an earlier run, read from the
     * record beside it without loading it (two file lookups). Only where the launcher passed the
     * build's id, the platform is the one the library is for, and native access is enabled (else a
     * load could fail where the earlier one did not): false means "not known", not "unavailable".
     */
    static boolean passedEarlier() {
        try {
            String build = dev.forge.core.io.BuildId.current();
            if (build == null || !platformSupported()) return false;
            if (!NativeBlake3Library.class.getModule().isNativeAccessEnabled()) return false;
            Path dir = buildDir(build);
            return Files.isRegularFile(dir.resolve(PASSED)) && Files.isRegularFile(dir.resolve(RESOURCE));
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static boolean platformSupported() {
        String os = System.getProperty("os.name", "");
        String arch = System.getProperty("os.arch", "");
        return os.toLowerCase(Locale.ROOT).startsWith("linux") && (arch.equals("amd64") || arch.equals("x86_64"));
    }

    /** Makes the record that the library beside it passed (once; a failure to write it is ignored). */
    private static void recordPassed(Path record) {
        try {
            if (!Files.isRegularFile(record)) Files.createFile(record);
        } catch (IOException | RuntimeException e) {
            // Only `forge version` reads it, and without it that command loads the library itself.
        }
    }

    @SuppressWarnings("restricted")
    private static NativeBlake3Library bind(Path file) throws Throwable {
        NativeBlake3Library lib = new NativeBlake3Library(SymbolLookup.libraryLookup(file, Arena.global()));
        lib.selfTest();
        return lib;
    }

    private static InputStream resource() throws IOException {
        ClassLoader loader = NativeBlake3Library.class.getClassLoader();
        InputStream in =
                loader == null ? ClassLoader.getSystemResourceAsStream(RESOURCE) : loader.getResourceAsStream(RESOURCE);
        if (in == null) {
            throw new IOException(
                    "resource " + RESOURCE + " is not on the classpath (org.alephium:blake3-jni missing?)");
        }
        return in;
    }

    private static Path extract() throws IOException {
        try (InputStream in = resource()) {
            // createTempFile makes the file readable by its owner only, so nobody can swap the code
            // between extraction and dlopen.
            Path file = Files.createTempFile("forge-blake3-", ".so");
            file.toFile().deleteOnExit();
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            return file;
        }
    }

    /**
     * The library extracted once into the user's cache folder instead of copied out of the jar on
     * every start (about a third of loading it): {@code ~/.cache/forge/blake3-build-ID/} when the
     * launcher passed the build's id ({@code -Dforge.build}), so that a hit needs no look into the jar
     * at all (the URL machinery of a first {@code getResource} was a fifth of loading the library);
     * else {@code blake3-SIZE-CRC/}, named by the resource's entry in the jar. Either way another
     * forge's library is another folder. Published by rename, so no process binds a half-written
     * copy; the self-test still runs on every load. Null when it cannot be cached (then the temp-file
     * copy is used).
     */
    private static Path cached() {
        try {
            String build = dev.forge.core.io.BuildId.current();
            if (build != null) {
                Path lib = buildDir(build).resolve(RESOURCE);
                return Files.isRegularFile(lib) ? lib : publish(lib);
            }
            java.net.URL url = NativeBlake3Library.class.getClassLoader().getResource(RESOURCE);
            if (url == null || !"jar".equals(url.getProtocol())) return null;
            java.net.JarURLConnection c = (java.net.JarURLConnection) url.openConnection();
            c.setUseCaches(true);
            java.util.jar.JarEntry e = c.getJarEntry();
            if (e == null || e.getSize() <= 0 || e.getCrc() == -1) return null;
            Path lib = cacheDir()
                    .resolve("blake3-" + e.getSize() + "-" + Long.toHexString(e.getCrc()))
                    .resolve(RESOURCE);
            if (Files.isRegularFile(lib) && Files.size(lib) == e.getSize()) return lib;
            return publish(lib);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Where this build's copy of the library and its self-test record live. */
    private static Path buildDir(String build) {
        return cacheDir().resolve("blake3-build-" + build);
    }

    private static Path cacheDir() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("forge");
    }

    /** Copies the library out of the jar to {@code lib} by a temporary file and a rename. */
    private static Path publish(Path lib) throws IOException {
        Files.createDirectories(lib.getParent());
        Path tmp = Files.createTempFile(lib.getParent(), RESOURCE, ".part");
        try (InputStream in = resource()) {
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, lib, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return lib;
    }

    /**
     * Refuses a library that computes anything but BLAKE3: two official test vectors, one plain and
     * one derive_key, each spanning two 1 KiB chunks so that the tree code and the cv stack are used.
     */
    private void selfTest() throws Throwable {
        byte[] input = new byte[1025];
        for (int i = 0; i < input.length; i++) input[i] = (byte) (i % 251);
        HexFormat hex = HexFormat.of();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(HASHER_SIZE, HASHER_ALIGN);
            MemorySegment out = arena.allocate(32);
            MemorySegment context = arena.allocateFrom("BLAKE3 2019-12-27 16:29:52 test vectors context");

            init.invokeExact(state);
            update.invokeExact(state, MemorySegment.ofArray(input), (long) input.length);
            finalizeOut.invokeExact(state, out, 32L);
            check(
                    hex.formatHex(out.toArray(ValueLayout.JAVA_BYTE)),
                    "d00278ae47eb27b34faecf67b4fe263f82d5412916c1ffd97c8cb7fb814b8444",
                    "plain");

            initDeriveKey.invokeExact(state, context);
            update.invokeExact(state, MemorySegment.ofArray(input), (long) input.length);
            finalizeOut.invokeExact(state, out, 32L);
            check(
                    hex.formatHex(out.toArray(ValueLayout.JAVA_BYTE)),
                    "effaa245f065fbf82ac186839a249707c3bddf6d3fdda22d1b95a3c970379bcb",
                    "derive_key");
        }
    }

    private static void check(String got, String want, String mode) {
        if (!got.equals(want)) {
            throw new IllegalStateException("libblake3 self-test failed (" + mode + "): got " + got + ", want " + want);
        }
    }
}
