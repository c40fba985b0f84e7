package dev.forge.mirror.crypt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forge.core.error.IntegrityException;
import dev.forge.core.port.BlobStore;
import dev.forge.mirror.blob.BlobStoreContract;
import dev.forge.mirror.blob.FileBlobStore;
import dev.forge.mirror.blob.ForwardingBlobStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The blob-store contract through the encrypting decorator over a folder store, and what encryption adds: the
 * folder holds no plaintext name or byte, ranged reads fetch only the covering segments, and altered or moved
 * ciphertext does not verify.
 */
class EncryptingBlobStoreTest extends BlobStoreContract {
    final RepositoryKey rk = RepositoryKey.generate();

    @Override
    protected BlobStore store() {
        return new EncryptingBlobStore(new FileBlobStore(tmp.resolve("remote")), rk);
    }

    /** Records every ranged read that reaches the store below. */
    static final class RangeLog extends ForwardingBlobStore {
        final List<long[]> ranges = new ArrayList<>();

        RangeLog(BlobStore inner) {
            super(inner);
        }

        @Override
        public synchronized byte[] get(String name, long offset, int length) {
            ranges.add(new long[] {offset, length});
            return super.get(name, offset, length);
        }
    }

    static byte[] random(long seed, int n) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    static boolean contains(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
            return true;
        }
        return false;
    }

    @Test
    void theFolderHoldsNoPlaintextNameOrByte() throws Exception {
        Path remote = tmp.resolve("remote");
        BlobStore s = store();
        String id = HexFormat.of().formatHex(random(7, 32));
        byte[] data = random(8, 300_000);
        s.put("packs/" + id + ".pack", data);
        s.put("packs/" + id + ".idx", data);
        s.put("refs/heads/secret-branch", (id + "\n").getBytes(StandardCharsets.US_ASCII));
        s.put("locks/files/shots/hero.exr", "alice".getBytes(StandardCharsets.US_ASCII));
        List<Path> files;
        try (Stream<Path> w = Files.walk(remote)) {
            files = w.filter(Files::isRegularFile).toList();
        }
        assertEquals(4, files.size(), files::toString);
        for (Path f : files) {
            String rel = remote.relativize(f).toString();
            assertFalse(rel.contains(id.substring(0, 16)), rel);
            assertFalse(rel.contains("secret") || rel.contains("heads") || rel.contains("hero"), rel);
            byte[] stored = Files.readAllBytes(f);
            assertFalse(contains(stored, Arrays.copyOfRange(data, 1000, 1064)), rel);
            assertFalse(contains(stored, id.substring(0, 16).getBytes(StandardCharsets.US_ASCII)), rel);
            assertFalse(contains(stored, "alice".getBytes(StandardCharsets.US_ASCII)), rel);
        }
        // Listings map the names back, with plaintext lengths.
        assertEquals(
                List.of("packs/" + id + ".idx", "packs/" + id + ".pack"),
                s.list("packs/").stream().map(BlobStore.BlobInfo::name).sorted().toList());
        assertEquals(300_000, s.stat("packs/" + id + ".pack").orElseThrow().length());
        assertEquals(
                List.of("refs/heads/secret-branch"),
                s.list("refs/heads/").stream().map(BlobStore.BlobInfo::name).toList());
        assertEquals(List.of(), s.list("refs/tags/"));
        // Another key sees nothing it can name, and reads nothing.
        EncryptingBlobStore other = new EncryptingBlobStore(new FileBlobStore(remote), RepositoryKey.generate());
        assertEquals(List.of(), other.list("packs/"));
    }

    @Test
    void aRangedReadFetchesOnlyTheCoveringSegmentsAndVerifiesThem() {
        RangeLog log = new RangeLog(new FileBlobStore(tmp.resolve("remote")));
        EncryptingBlobStore s = new EncryptingBlobStore(log, rk);
        byte[] data = random(1, 1 << 20);
        s.put("packs/p.pack", data);
        int seg = EncryptingBlobStore.SEGMENT + EncryptingBlobStore.TAG;
        // Inside segment 3 only: the header once, then that one segment.
        assertArrayEquals(Arrays.copyOfRange(data, 200_000, 201_000), s.get("packs/p.pack", 200_000, 1000));
        assertEquals(2, log.ranges.size());
        assertArrayEquals(new long[] {0, 32}, log.ranges.get(0));
        assertArrayEquals(new long[] {32 + 3L * seg, seg}, log.ranges.get(1));
        // Across segments 4 and 5: both, and no header again.
        int off = 5 * 65536 - 10;
        assertArrayEquals(Arrays.copyOfRange(data, off, off + 20), s.get("packs/p.pack", off, 20));
        assertEquals(3, log.ranges.size());
        assertArrayEquals(new long[] {32 + 4L * seg, 2L * seg}, log.ranges.get(2));
        // The last bytes: the final segment, flagged last.
        assertArrayEquals(
                Arrays.copyOfRange(data, data.length - 5, data.length), s.get("packs/p.pack", data.length - 5, 5));
        assertThrows(IntegrityException.class, () -> s.get("packs/p.pack", data.length - 5, 6));
    }

    @Test
    void alteredOrMovedCiphertextDoesNotVerify() throws Exception {
        Path remote = tmp.resolve("remote");
        EncryptingBlobStore s = new EncryptingBlobStore(new FileBlobStore(remote), rk);
        byte[] data = random(3, 200_000);
        s.put("packs/a.pack", data);
        s.put("refs/heads/a", "1\n".getBytes(StandardCharsets.US_ASCII));
        s.put("refs/heads/b", "2\n".getBytes(StandardCharsets.US_ASCII));
        Path pack = remote.resolve(s.storedName("packs/a.pack"));
        byte[] stored = Files.readAllBytes(pack);
        stored[100_000] ^= 1;
        Files.write(pack, stored);
        assertThrows(IntegrityException.class, () -> s.get("packs/a.pack"));
        EncryptingBlobStore fresh = new EncryptingBlobStore(new FileBlobStore(remote), rk);
        assertThrows(IntegrityException.class, () -> fresh.get("packs/a.pack", 99_990, 20));
        assertArrayEquals(Arrays.copyOfRange(data, 10, 30), fresh.get("packs/a.pack", 10, 20), "other segments read");
        // A ref's ciphertext copied over another ref's is refused (its name is bound into its key).
        Files.copy(
                remote.resolve(s.storedName("refs/heads/a")),
                remote.resolve(s.storedName("refs/heads/b")),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        IntegrityException e = assertThrows(IntegrityException.class, () -> s.get("refs/heads/b"));
        assertTrue(e.getMessage().contains("refs/heads/b"), e.getMessage());
        // Truncation is caught by the last-segment flag.
        Files.write(pack, Arrays.copyOf(Files.readAllBytes(pack), 32 + 65552));
        assertThrows(IntegrityException.class, () -> fresh.get("packs/a.pack"));
    }

    @Test
    void lengthsMapBothWays() {
        for (long n : new long[] {0, 1, 65535, 65536, 65537, 131072, 1 << 20, (1 << 20) + 3}) {
            long c = EncryptingBlobStore.cipherLength(n);
            assertEquals(n, EncryptingBlobStore.plainLength(c), "n=" + n);
            EncryptingBlobStore s = new EncryptingBlobStore(new FileBlobStore(tmp.resolve("r" + n)), rk);
            assertEquals(c, s.encrypt("x/y", new byte[(int) n]).length, "n=" + n);
        }
    }

    @Test
    void namesRoundTripAndTheConfigAndWrappedKeysStayPlain() {
        EncryptedNames names = new EncryptedNames(rk);
        for (String n : List.of(
                "packs/" + "ab".repeat(32) + ".pack",
                "packs/" + "ab".repeat(32) + ".idx",
                "refs/heads/feature/x-1",
                "refs/tags/v1.0",
                "locks/files/a/b.exr",
                "gc/pending",
                "retention",
                "keys/1/members")) {
            String stored = names.encode(n);
            assertEquals(n, names.decode(stored).orElseThrow(), stored);
            assertEquals(stored, names.encode(n), "deterministic");
            assertTrue(stored.split("/")[1].length() < 250, stored);
        }
        assertEquals("config", names.encode("config"));
        assertEquals("keys/1/recipients.age", names.encode("keys/1/recipients.age"));
        assertTrue(names.encode("packs/a.pack").endsWith(".pack"));
        assertTrue(names.decode("packs/zzzz.pack").isEmpty());
        assertTrue(new EncryptedNames(RepositoryKey.generate())
                .decode(names.encode("refs/heads/main"))
                .isEmpty());
    }
}
