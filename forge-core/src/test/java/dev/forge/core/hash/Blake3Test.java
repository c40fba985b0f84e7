package dev.forge.core.hash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forge.core.model.ObjectId;
import dev.forge.core.model.ObjectType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class Blake3Test {
    private static final String VECTOR_CONTEXT = "BLAKE3 2019-12-27 16:29:52 test vectors context";

    /**
     * Official BLAKE3 test vectors (input byte i is i % 251), first 32 bytes of each output, computed
     * with the official b3sum 1.2.0 CLI (Debian package; {@code b3sum --derive-key CONTEXT} for the
     * second column).
     */
    private record Vector(int length, String hash, String deriveKey) {}

    private static final List<Vector> VECTORS = List.of(
            new Vector(
                    0,
                    "af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262",
                    "2cc39783c223154fea8dfb7c1b1660f2ac2dcbd1c1de8277b0b0dd39b7e50d7d"),
            new Vector(
                    1,
                    "2d3adedff11b61f14c886e35afa036736dcd87a74d27b5c1510225d0f592e213",
                    "b3e2e340a117a499c6cf2398a19ee0d29cca2bb7404c73063382693bf66cb06c"),
            new Vector(
                    1023,
                    "10108970eeda3eb932baac1428c7a2163b0e924c9a9e25b35bba72b28f70bd11",
                    "74a16c1c3d44368a86e1ca6df64be6a2f64cce8f09220787450722d85725dea5"),
            new Vector(
                    1024,
                    "42214739f095a406f3fc83deb889744ac00df831c10daa55189b5d121c855af7",
                    "7356cd7720d5b66b6d0697eb3177d9f8d73a4a5c5e968896eb6a689684302706"),
            new Vector(
                    1025,
                    "d00278ae47eb27b34faecf67b4fe263f82d5412916c1ffd97c8cb7fb814b8444",
                    "effaa245f065fbf82ac186839a249707c3bddf6d3fdda22d1b95a3c970379bcb"),
            new Vector(
                    2048,
                    "e776b6028c7cd22a4d0ba182a8bf62205d2ef576467e838ed6f2529b85fba24a",
                    "7b2945cb4fef70885cc5d78a87bf6f6207dd901ff239201351ffac04e1088a23"),
            new Vector(
                    2049,
                    "5f4d72f40d7a5f82b15ca2b2e44b1de3c2ef86c426c95c1af0b6879522563030",
                    "2ea477c5515cc3dd606512ee72bb3e0e758cfae7232826f35fb98ca1bcbdf273"),
            new Vector(
                    3072,
                    "b98cb0ff3623be03326b373de6b9095218513e64f1ee2edd2525c7ad1e5cffd2",
                    "050df97f8c2ead654d9bb3ab8c9178edcd902a32f8495949feadcc1e0480c46b"),
            new Vector(
                    3073,
                    "7124b49501012f81cc7f11ca069ec9226cecb8a2c850cfe644e327d22d3e1cd3",
                    "72613c9ec9ff7e40f8f5c173784c532ad852e827dba2bf85b2ab4b76f7079081"),
            new Vector(
                    4096,
                    "015094013f57a5277b59d8475c0501042c0b642e531b0a1c8f58d2163229e969",
                    "1e0d7f3db8c414c97c6307cbda6cd27ac3b030949da8e23be1a1a924ad2f25b9"),
            new Vector(
                    4097,
                    "9b4052b38f1c5fc8b1f9ff7ac7b27cd242487b3d890d15c96a1c25b8aa0fb995",
                    "aca51029626b55fda7117b42a7c211f8c6e9ba4fe5b7a8ca922f34299500ead8"),
            new Vector(
                    5120,
                    "9cadc15fed8b5d854562b26a9536d9707cadeda9b143978f319ab34230535833",
                    "7a7acac8a02adcf3038d74cdd1d34527de8a0fcc0ee3399d1262397ce5817f60"),
            new Vector(
                    5121,
                    "628bd2cb2004694adaab7bbd778a25df25c47b9d4155a55f8fbd79f2fe154cff",
                    "b07f01e518e702f7ccb44a267e9e112d403a7b3f4883a47ffbed4b48339b3c34"),
            new Vector(
                    6144,
                    "3e2e5b74e048f3add6d21faab3f83aa44d3b2278afb83b80b3c35164ebeca205",
                    "2a95beae63ddce523762355cf4b9c1d8f131465780a391286a5d01abb5683a15"),
            new Vector(
                    6145,
                    "f1323a8631446cc50536a9f705ee5cb619424d46887f3c376c695b70e0f0507f",
                    "379bcc61d0051dd489f686c13de00d5b14c505245103dc040d9e4dd1facab8e5"),
            new Vector(
                    7168,
                    "61da957ec2499a95d6b8023e2b0e604ec7f6b50e80a9678b89d2628e99ada77a",
                    "11c37a112765370c94a51415d0d651190c288566e295d505defdad895dae2237"),
            new Vector(
                    7169,
                    "a003fc7a51754a9b3c7fae0367ab3d782dccf28855a03d435f8cfe74605e7817",
                    "554b0a5efea9ef183f2f9b931b7497995d9eb26f5c5c6dad2b97d62fc5ac31d9"),
            new Vector(
                    8192,
                    "aae792484c8efe4f19e2ca7d371d8c467ffb10748d8a5a1ae579948f718a2a63",
                    "ad01d7ae4ad059b0d33baa3c01319dcf8088094d0359e5fd45d6aeaa8b2d0c3d"),
            new Vector(
                    8193,
                    "bab6c09cb8ce8cf459261398d2e7aef35700bf488116ceb94a36d0f5f1b7bc3b",
                    "af1e0346e389b17c23200270a64aa4e1ead98c61695d917de7d5b00491c9b0f1"),
            new Vector(
                    16384,
                    "f875d6646de28985646f34ee13be9a576fd515f76b5b0a26bb324735041ddde4",
                    "160e18b5878cd0df1c3af85eb25a0db5344d43a6fbd7a8ef4ed98d0714c3f7e1"),
            new Vector(
                    31744,
                    "62b6960e1a44bcc1eb1a611a8d6235b6b4b78f32e7abc4fb4c6cdcce94895c47",
                    "39772aef80e0ebe60596361e45b061e8f417429d529171b6764468c22928e28e"),
            new Vector(
                    102400,
                    "bc3e3d41a1146b069abffad3c0d44860cf664390afce4d9661f7902e7943e085",
                    "4652cff7a3f385a6103b5c260fc1593e13c778dbe608efb092fe7ee69df6e9c6"));

    private static byte[] vectorInput(int length) {
        byte[] in = new byte[length];
        for (int i = 0; i < length; i++) in[i] = (byte) (i % 251);
        return in;
    }

    private static Blake3Hasher nativeHasher() {
        Blake3Hasher h = Blake3.newEagerHasher();
        assertEquals(
                "native",
                h.implementation(),
                "expected the native hasher on this machine: " + Blake3.nativeUnavailableReason());
        return h;
    }

    @Test
    void nativeIsAvailableOnLinuxX8664() {
        // The build machines are linux-x86_64; without this the comparisons below would quietly test
        // Java against Java.
        assertEquals("Linux", System.getProperty("os.name"));
        assertEquals("amd64", System.getProperty("os.arch"));
        assertTrue(Blake3.nativeAvailable(), "native BLAKE3 unavailable: " + Blake3.nativeUnavailableReason());
        assertNull(Blake3.nativeUnavailableReason());
        assertEquals("native", Blake3.newHasher().implementation());
        assertEquals("native", Blake3.newEagerHasher().implementation());
        assertEquals("java", Blake3.newJavaHasher().implementation());
    }

    /** The lazy hasher (Java first, native after a megabyte) gives the same ids before, across and after the switch. */
    @Test
    void lazyHasherAgreesWithBothImplementationsAcrossItsSwitch() {
        Blake3Hasher lazy = new LazyBlake3Hasher();
        Blake3Hasher java = Blake3.newJavaHasher();
        Blake3Hasher nat = nativeHasher();
        java.util.Random r = new java.util.Random(3);
        long total = 0;
        int[] sizes = {0, 1, 1023, 1024, 1025, 65536, 300_000, 700_000, 5, 64 << 10, 1 << 20};
        for (int n : sizes) {
            byte[] in = new byte[n];
            r.nextBytes(in);
            for (ObjectType t : ObjectType.values()) {
                ObjectId want = java.hash(t, in, 0, n);
                assertEquals(want, nat.hash(t, in, 0, n));
                assertEquals(want, lazy.hash(t, in, 0, n), "type " + t + ", size " + n + " after " + total + " bytes");
                total += n;
            }
            assertEquals(java.hash(in, 0, n), lazy.hash(in, 0, n));
            assertEquals(java.hash(ByteBuffer.wrap(in)), lazy.hash(ByteBuffer.wrap(in)));
        }
        assertTrue(total > LazyBlake3Hasher.NATIVE_AFTER);
    }

    @Test
    void officialVectorsPlainHash() {
        for (Blake3Hasher h : List.of(nativeHasher(), Blake3.newJavaHasher())) {
            for (Vector v : VECTORS) {
                byte[] in = vectorInput(v.length());
                assertEquals(v.hash(), h.hash(in, 0, in.length).hex(), h.implementation() + " len " + v.length());
                assertEquals(
                        v.hash(),
                        h.hash(ObjectType.CHUNK, in, 0, in.length).hex(),
                        h.implementation() + " CHUNK len " + v.length());
                assertEquals(
                        v.hash(),
                        h.hash(ByteBuffer.wrap(in)).hex(),
                        h.implementation() + " heap buffer len " + v.length());
                ByteBuffer direct = ByteBuffer.allocateDirect(in.length).put(in).flip();
                assertEquals(v.hash(), h.hash(direct).hex(), h.implementation() + " direct buffer len " + v.length());
            }
        }
    }

    @Test
    void officialVectorsDeriveKey() {
        byte[] context = VECTOR_CONTEXT.getBytes(StandardCharsets.UTF_8);
        Blake3Hasher nat = nativeHasher();
        NativeBlake3Library lib = assertDoesNotFail(NativeBlake3Library::load);
        for (Vector v : VECTORS) {
            byte[] in = vectorInput(v.length());
            // commons-codec directly (what the Java hasher wraps) and the raw native binding with the
            // vectors' context: the ObjectType contexts are Forge's own, so they have no published vectors.
            byte[] java = org.apache.commons.codec.digest.Blake3.initKeyDerivationFunction(context)
                    .update(in)
                    .doFinalize(32);
            assertEquals(v.deriveKey(), ObjectId.of(java).hex(), "commons-codec len " + v.length());
            assertEquals(v.deriveKey(), nativeDeriveKey(lib, VECTOR_CONTEXT, in), "native len " + v.length());
        }
        // And the typed API really is derive_key with the type's context.
        byte[] in = vectorInput(5000);
        for (ObjectType type : ObjectType.values()) {
            if (type == ObjectType.CHUNK) continue;
            byte[] want = org.apache.commons.codec.digest.Blake3.initKeyDerivationFunction(
                            type.hashContext().getBytes(StandardCharsets.UTF_8))
                    .update(in)
                    .doFinalize(32);
            assertEquals(ObjectId.of(want), nat.hash(type, in, 0, in.length), type.name());
            assertEquals(
                    nativeDeriveKey(lib, type.hashContext(), in),
                    nat.hash(type, in, 0, in.length).hex(),
                    type.name());
        }
    }

    private interface Loader {
        NativeBlake3Library load() throws Throwable;
    }

    private static NativeBlake3Library assertDoesNotFail(Loader loader) {
        try {
            return loader.load();
        } catch (Throwable e) {
            throw new AssertionError("native load failed", e);
        }
    }

    private static String nativeDeriveKey(NativeBlake3Library lib, String context, byte[] in) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(NativeBlake3Library.HASHER_SIZE, NativeBlake3Library.HASHER_ALIGN);
            MemorySegment out = arena.allocate(32);
            lib.initDeriveKey.invokeExact(state, arena.allocateFrom(context));
            lib.update.invokeExact(state, MemorySegment.ofArray(in), (long) in.length);
            lib.finalizeOut.invokeExact(state, out, 32L);
            return ObjectId.of(out.toArray(ValueLayout.JAVA_BYTE)).hex();
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    @Test
    void nativeMatchesJavaOnRandomInputsOfManyLengths() {
        Blake3Hasher nat = nativeHasher();
        Blake3Hasher java = Blake3.newJavaHasher();
        Random rnd = new Random(0x5EED_B1A3L);
        byte[] pool = new byte[300_000 + 64];
        rnd.nextBytes(pool);
        int[] fixed = {0, 1, 63, 64, 65, 1023, 1024, 1025, 4096, 65536, 65537, 262144, 300_000};
        int checked = 0;
        for (int i = 0; i < fixed.length + 120; i++) {
            int len = i < fixed.length ? fixed[i] : rnd.nextInt(300_001);
            int off = rnd.nextInt(64);
            ObjectId want = java.hash(pool, off, len);
            assertEquals(want, nat.hash(pool, off, len), "len " + len + " off " + off);
            for (ObjectType type : ObjectType.values()) {
                assertEquals(
                        java.hash(type, pool, off, len),
                        nat.hash(type, pool, off, len),
                        type + " len " + len + " off " + off);
            }
            // Direct buffer with a non-zero position: both must hash exactly position..limit.
            ByteBuffer direct = ByteBuffer.allocateDirect(len + 16);
            direct.position(16).put(pool, off, len).position(16);
            assertEquals(want, nat.hash(direct), "direct len " + len);
            assertEquals(want, java.hash(direct), "java direct len " + len);
            assertEquals(16, direct.position(), "hash must not move the position");
            assertEquals(want, nat.hash(direct.asReadOnlyBuffer()), "read-only direct len " + len);
            ByteBuffer heap = ByteBuffer.wrap(pool, off, len).slice();
            assertEquals(want, nat.hash(heap));
            assertEquals(want, nat.hash(heap.asReadOnlyBuffer()), "read-only heap buffer len " + len);
            assertEquals(want, java.hash(heap.asReadOnlyBuffer()), "java read-only heap buffer len " + len);
            checked++;
        }
        assertEquals(fixed.length + 120, checked);
    }

    @Test
    void largeInputsSpanningSeveralCriticalSlices() {
        byte[] big = new byte[(5 << 20) + 12345];
        new Random(7).nextBytes(big);
        assertEquals(
                Blake3.newJavaHasher().hash(big, 3, big.length - 3),
                nativeHasher().hash(big, 3, big.length - 3));
    }

    @Test
    void typesAreDomainSeparated() {
        Blake3Hasher h = nativeHasher();
        byte[] in = "same bytes".getBytes(StandardCharsets.UTF_8);
        ObjectId chunk = h.hash(ObjectType.CHUNK, in, 0, in.length);
        ObjectId list = h.hash(ObjectType.LIST, in, 0, in.length);
        ObjectId tree = h.hash(ObjectType.TREE, in, 0, in.length);
        ObjectId commit = h.hash(ObjectType.COMMIT, in, 0, in.length);
        assertEquals(4, Set.of(chunk, list, tree, commit).size());
        assertNotEquals(chunk, list);
    }

    @Test
    void reuseDoesNotLeakStateBetweenCalls() {
        for (Blake3Hasher h : List.of(nativeHasher(), Blake3.newJavaHasher())) {
            byte[] a = vectorInput(2049);
            ObjectId first = h.hash(ObjectType.TREE, a, 0, a.length);
            h.hash(a, 0, 1000);
            h.hash(ObjectType.COMMIT, a, 5, 17);
            assertEquals(first, h.hash(ObjectType.TREE, a, 0, a.length), h.implementation());
            assertEquals(VECTORS.get(6).hash(), h.hash(a, 0, a.length).hex(), h.implementation());
        }
    }

    @Test
    void rejectsBadRanges() {
        for (Blake3Hasher h : List.of(nativeHasher(), Blake3.newJavaHasher())) {
            byte[] in = new byte[10];
            assertThrows(IndexOutOfBoundsException.class, () -> h.hash(in, 5, 6));
            assertThrows(IndexOutOfBoundsException.class, () -> h.hash(in, -1, 2));
            assertThrows(IndexOutOfBoundsException.class, () -> h.hash(ObjectType.LIST, in, 0, 11));
            assertThrows(NullPointerException.class, () -> h.hash(null, in, 0, 1));
        }
    }
}
