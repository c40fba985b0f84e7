package dev.forge.mirror.blob;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forge.core.error.NotFoundException;
import dev.forge.core.error.RemoteUnavailableException;
import dev.forge.core.port.BlobStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** Reads through {@link ReadOnlyBlobStore} see the remote; every write is refused, once, and changes nothing. */
class ReadOnlyBlobStoreTest {
    @TempDir
    Path tmp;

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void readsGoThrough() {
        FileBlobStore files = new FileBlobStore(tmp.resolve("remote"));
        files.put("packs/a.pack", ascii("0123456789"));
        files.put("refs/heads/main", ascii("x\n"));
        BlobStore s = new ReadOnlyBlobStore(files);
        assertArrayEquals(ascii("x\n"), s.get("refs/heads/main").orElseThrow().data());
        assertEquals(
                files.get("refs/heads/main").orElseThrow().token(),
                s.get("refs/heads/main").orElseThrow().token());
        assertArrayEquals(ascii("345"), s.get("packs/a.pack", 3, 3));
        assertEquals(10, s.stat("packs/a.pack").orElseThrow().length());
        assertEquals(
                List.of("packs/a.pack"),
                s.list("packs/").stream().map(BlobStore.BlobInfo::name).toList());
        assertTrue(s.get("nope").isEmpty());
        assertThrows(NotFoundException.class, () -> s.get("packs/nope.pack", 0, 1));
        assertEquals(files.describe(), s.describe());
    }

    @Test
    void everyWriteIsRefusedWithOneClearLineAndNoRetry() throws Exception {
        FileBlobStore files = new FileBlobStore(tmp.resolve("remote"));
        files.put("refs/heads/main", ascii("x\n"));
        String token = files.get("refs/heads/main").orElseThrow().token();
        Path file = Files.write(tmp.resolve("f.bin"), ascii("data"));
        MeteredBlobStore meter = new MeteredBlobStore(new ReadOnlyBlobStore(files));
        BlobStore s = new RetryingBlobStore(meter, 5, Duration.ofMillis(1), Duration.ofMillis(1));
        List<Executable> writes = List.of(
                () -> s.put("refs/heads/main", ascii("y\n")),
                () -> s.put("packs/b.pack", file),
                () -> s.delete("refs/heads/main"),
                () -> s.putIfAbsent("refs/heads/dev", ascii("y\n")),
                () -> s.replaceIfUnchanged("refs/heads/main", ascii("y\n"), token));
        List<String> verbs = List.of(
                "write refs/heads/main",
                "write packs/b.pack",
                "delete refs/heads/main",
                "create refs/heads/dev",
                "update refs/heads/main");
        for (int i = 0; i < writes.size(); i++) {
            long before = meter.requests();
            RemoteUnavailableException e = assertThrows(RemoteUnavailableException.class, writes.get(i));
            assertFalse(e.retryable(), e.getMessage());
            assertEquals("the remote " + files.describe() + " is read-only: cannot " + verbs.get(i), e.getMessage());
            assertEquals(before + 1, meter.requests(), "tried once, not retried");
        }
        assertArrayEquals(
                ascii("x\n"), files.get("refs/heads/main").orElseThrow().data());
        assertTrue(files.get("refs/heads/dev").isEmpty());
        assertTrue(files.get("packs/b.pack").isEmpty());
    }
}
