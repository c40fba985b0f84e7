package dev.forge.mirror.blob;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forge.core.error.InvalidInputException;
import dev.forge.core.port.BlobStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class FileBlobStoreTest extends BlobStoreContract {
    @Override
    protected BlobStore store() {
        return new FileBlobStore(tmp.resolve("remote"));
    }

    @Test
    void refusesNamesThatLeaveTheFolder() {
        BlobStore s = store();
        assertThrows(InvalidInputException.class, () -> s.put("../x", new byte[1]));
        assertThrows(InvalidInputException.class, () -> s.put("/etc/x", new byte[1]));
        assertThrows(InvalidInputException.class, () -> s.put("a/.hidden", new byte[1]));
    }

    /**
     * A draft is a hidden temporary file in the blob's folder (the same file system as its name, so
     * publishing is a rename), fsynced and renamed by publish; dropped, it is deleted; and it is
     * published only into its own folder.
     */
    @Test
    void aDraftIsAHiddenFileBesideItsNameRenamedIntoPlace() throws Exception {
        FileBlobStore s = new FileBlobStore(tmp.resolve("remote"));
        Path packs = tmp.resolve("remote/packs");
        try (BlobStore.Draft d = s.draft("packs").orElseThrow()) {
            d.channel().write(java.nio.ByteBuffer.wrap(new byte[] {1, 2, 3}));
            try (var l = Files.list(packs)) {
                var files = l.map(p -> p.getFileName().toString()).toList();
                assertEquals(1, files.size(), files::toString);
                assertTrue(files.getFirst().startsWith(".tmp-"), files::toString);
            }
            assertThrows(IllegalArgumentException.class, () -> d.publish("refs/heads/main"));
        }
        try (var l = Files.list(packs)) {
            assertEquals(0, l.count(), "a refused publish dropped the draft");
        }
        try (BlobStore.Draft d = s.draft("packs").orElseThrow()) {
            d.channel().write(java.nio.ByteBuffer.wrap(new byte[] {4, 5}));
            d.publish("packs/x.pack");
        }
        try (var l = Files.list(packs)) {
            assertEquals(
                    java.util.List.of("x.pack"),
                    l.map(p -> p.getFileName().toString()).toList());
        }
    }

    /**
     * The first draft a store starts in a folder removes the temporary files killed writers left there
     * over a day ago, and only those: a recent one may be another writer's, still being written.
     */
    @Test
    void aDraftRemovesTemporaryFilesLeftOverADayAgo() throws Exception {
        Path packs = Files.createDirectories(tmp.resolve("remote/packs"));
        Path old = Files.write(packs.resolve(".tmp-draft-0123456789abcdef"), new byte[100]);
        Path oldPut = Files.write(packs.resolve(".tmp-x.idx-0123456789abcdef"), new byte[10]);
        Path recent = Files.write(packs.resolve(".tmp-draft-fedcba9876543210"), new byte[100]);
        Path blob = Files.write(packs.resolve("a.pack"), new byte[10]);
        FileTime twoDaysAgo = FileTime.from(Instant.now().minusSeconds(2 * 86_400));
        for (Path p : java.util.List.of(old, oldPut, blob)) Files.setLastModifiedTime(p, twoDaysAgo);
        FileBlobStore s = new FileBlobStore(tmp.resolve("remote"));
        s.draft("packs").orElseThrow().close();
        assertTrue(Files.notExists(old));
        assertTrue(Files.notExists(oldPut));
        assertTrue(Files.exists(recent), "a recent temporary file may be another writer's");
        assertTrue(Files.exists(blob), "blobs are never swept, however old");
    }

    @Test
    void breaksAStaleLockLeftByACrashedWriter() throws Exception {
        FileBlobStore s = new FileBlobStore(tmp.resolve("remote"));
        s.put("refs/heads/main", "a".getBytes(StandardCharsets.UTF_8));
        var lock = tmp.resolve("remote/refs/heads/main.lock");
        Files.createFile(lock);
        Files.setLastModifiedTime(lock, FileTime.from(Instant.now().minusSeconds(120)));
        String token = s.get("refs/heads/main").orElseThrow().token();
        assertTrue(s.replaceIfUnchanged("refs/heads/main", "b".getBytes(StandardCharsets.UTF_8), token));
        assertEquals("b", new String(s.get("refs/heads/main").orElseThrow().data(), StandardCharsets.UTF_8));
        assertTrue(s.list("refs/").stream().noneMatch(b -> b.name().endsWith(".lock")));
        assertTrue(Files.notExists(lock), "the crashed writer's lock is gone, and ours too");
        assertTrue(
                Files.exists(tmp.resolve("remote/refs/heads/.main.lock")),
                "the OS-lock file stays for the next writer");
    }

    /** Hidden files (temporary files, OS-lock files, an NFS client's .nfsXXXX) are never blobs. */
    @Test
    void listingSkipsHiddenFiles() throws Exception {
        FileBlobStore s = new FileBlobStore(tmp.resolve("remote"));
        s.put("refs/heads/main", "a".getBytes(StandardCharsets.UTF_8));
        Files.write(tmp.resolve("remote/refs/heads/.nfs000000000123"), new byte[1]);
        Files.write(tmp.resolve("remote/refs/heads/.main.lock"), new byte[0]);
        assertEquals(
                java.util.List.of("refs/heads/main"),
                s.list("refs/").stream().map(BlobStore.BlobInfo::name).toList());
    }

    /**
     * Two stores in one JVM over one folder reached by two paths (a symlink): the OS lock is the
     * JVM's, so the second store finds it taken (an overlapping lock), waits, and loses no update.
     */
    @Test
    void storesOverOneFolderByTwoPathsExcludeEachOther() throws Exception {
        Path real = Files.createDirectories(tmp.resolve("remote"));
        Path link = Files.createSymbolicLink(tmp.resolve("link"), real);
        FileBlobStore a = new FileBlobStore(real);
        FileBlobStore b = new FileBlobStore(link);
        a.put("counter", "0".getBytes(StandardCharsets.US_ASCII));
        int perThread = 100;
        java.util.List<Thread> threads = new java.util.ArrayList<>();
        for (FileBlobStore s : java.util.List.of(a, b, a, b)) {
            threads.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < perThread; i++) {
                    while (true) {
                        BlobStore.Versioned v = s.get("counter").orElseThrow();
                        long n = Long.parseLong(new String(v.data(), StandardCharsets.US_ASCII));
                        if (s.replaceIfUnchanged(
                                "counter", Long.toString(n + 1).getBytes(StandardCharsets.US_ASCII), v.token())) break;
                    }
                }
            }));
        }
        for (Thread t : threads) t.join();
        assertEquals("400", new String(a.get("counter").orElseThrow().data(), StandardCharsets.US_ASCII));
    }

    /** Other writers' temporary files come and go while a listing runs; the listing never fails on them. */
    @Test
    void listingToleratesFilesVanishingMeanwhile() throws Exception {
        FileBlobStore s = new FileBlobStore(tmp.resolve("remote"));
        s.put("packs/a.pack", new byte[10]);
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        Thread churn = Thread.ofPlatform().start(() -> {
            for (int i = 0; !stop.get(); i++) {
                try {
                    // Files named like blobs that appear and disappear (a rename away, a delete).
                    var f = Files.write(tmp.resolve("remote/packs/churn-" + (i % 50) + ".pack"), new byte[1]);
                    Files.deleteIfExists(f);
                } catch (java.io.IOException ignored) {
                    // the listing thread does not care
                }
            }
        });
        try {
            for (int i = 0; i < 2000; i++) {
                var names =
                        s.list("packs/").stream().map(BlobStore.BlobInfo::name).toList();
                assertTrue(names.contains("packs/a.pack"), names.toString());
            }
        } finally {
            stop.set(true);
            churn.join();
        }
    }
}
