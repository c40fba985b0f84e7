package dev.forge.mirror.blob;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forge.core.error.NotFoundException;
import dev.forge.core.port.BlobStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The guarantees written on {@link BlobStore}, checked against each backend. */
public abstract class BlobStoreContract {
    @TempDir
    protected Path tmp;

    protected abstract BlobStore store();

    /**
     * Whether the server applies a conditional write atomically (compare and write as one step). AWS S3,
     * R2 and Forge's own folder store do; S3Proxy's filesystem backend checks If-Match and then writes,
     * so concurrent replaces with the same token can all succeed there.
     */
    protected boolean serverReplaceIsAtomic() {
        return true;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void putGetRangeStatListDelete() throws Exception {
        BlobStore s = store();
        byte[] data = new byte[3 << 20];
        new Random(1).nextBytes(data);
        s.put("packs/a.pack", data);
        assertArrayEquals(data, s.get("packs/a.pack").orElseThrow().data());
        byte[] range = s.get("packs/a.pack", 1_000_003, 77_777);
        assertArrayEquals(java.util.Arrays.copyOfRange(data, 1_000_003, 1_000_003 + 77_777), range);
        assertEquals(data.length, s.stat("packs/a.pack").orElseThrow().length());
        Path f = tmp.resolve("big.bin");
        byte[] big = new byte[(21 << 20) + 12345];
        new Random(2).nextBytes(big);
        Files.write(f, big);
        s.put("packs/b.pack", f);
        assertArrayEquals(big, s.get("packs/b.pack").orElseThrow().data());
        s.put("refs/heads/main", utf8("x\n"));
        Set<String> names = new HashSet<>();
        for (BlobStore.BlobInfo b : s.list("packs/")) names.add(b.name());
        assertEquals(Set.of("packs/a.pack", "packs/b.pack"), names);
        assertTrue(s.get("nope").isEmpty());
        assertTrue(s.stat("nope").isEmpty());
        assertThrows(NotFoundException.class, () -> s.get("packs/nope.pack", 0, 10));
        s.delete("packs/a.pack");
        s.delete("packs/a.pack");
        assertTrue(s.get("packs/a.pack").isEmpty());
    }

    /**
     * A ranged read into a partial file that holds the first bytes reads only the rest; the buffer gets
     * the whole range (what the file held, then what arrived), and so does the file.
     */
    @Test
    void aPartialReadIsContinuedIntoTheFileAndTheBuffer() throws Exception {
        BlobStore s = store();
        byte[] data = new byte[300_000];
        new Random(6).nextBytes(data);
        s.put("packs/q.pack", data);
        byte[] want = java.util.Arrays.copyOfRange(data, 1000, 201_000);
        Path partial = tmp.resolve("q.part");
        Files.write(partial, java.util.Arrays.copyOfRange(data, 1000, 51_000));
        byte[] dst = new byte[200_000];
        assertEquals(150_000, s.readInto("packs/q.pack", 1000, 200_000, partial, dst));
        assertArrayEquals(want, Files.readAllBytes(partial));
        assertArrayEquals(want, dst);
        byte[] again = new byte[200_000];
        assertEquals(0, s.readInto("packs/q.pack", 1000, 200_000, partial, again), "complete: nothing to read");
        assertArrayEquals(want, again, "read back from the file");
        Path fresh = tmp.resolve("fresh.part");
        byte[] whole = new byte[200_000];
        assertEquals(200_000, s.readInto("packs/q.pack", 1000, 200_000, fresh, whole));
        assertArrayEquals(want, whole);
        assertArrayEquals(want, Files.readAllBytes(fresh));
    }

    /**
     * Where a store takes drafts: nothing of one shows (list, stat, get) until it is published, then the
     * whole blob does, replacing one of that name; a draft dropped unpublished leaves nothing.
     */
    @Test
    void aDraftShowsNothingUntilPublishedWholeAndADroppedOneLeavesNothing() throws Exception {
        BlobStore s = store();
        java.util.Optional<BlobStore.Draft> first = s.draft("packs");
        org.junit.jupiter.api.Assumptions.assumeTrue(first.isPresent(), "this store takes no drafts");
        byte[] data = new byte[(3 << 20) + 7];
        new Random(8).nextBytes(data);
        try (BlobStore.Draft d = first.get()) {
            d.channel().write(java.nio.ByteBuffer.wrap(data, 0, 1 << 20));
            d.channel().write(java.nio.ByteBuffer.wrap(data, 1 << 20, data.length - (1 << 20)));
            assertTrue(s.list("packs/").isEmpty(), "a draft is not listed");
            assertTrue(s.stat("packs/d.pack").isEmpty());
            assertEquals(data.length, d.publish("packs/d.pack"));
        }
        assertArrayEquals(data, s.get("packs/d.pack").orElseThrow().data());
        try (BlobStore.Draft dropped = s.draft("packs").orElseThrow()) {
            dropped.channel().write(java.nio.ByteBuffer.wrap(data, 0, 1000));
        }
        List<String> names = new ArrayList<>();
        for (BlobStore.BlobInfo b : s.list("packs/")) names.add(b.name());
        assertEquals(List.of("packs/d.pack"), names);
        byte[] other = utf8("another blob of that name");
        try (BlobStore.Draft d = s.draft("packs").orElseThrow()) {
            d.channel().write(java.nio.ByteBuffer.wrap(other));
            d.publish("packs/d.pack");
        }
        assertArrayEquals(other, s.get("packs/d.pack").orElseThrow().data());
    }

    @Test
    void conditionalWrites() {
        BlobStore s = store();
        assertTrue(s.putIfAbsent("refs/heads/main", utf8("one\n")));
        assertFalse(s.putIfAbsent("refs/heads/main", utf8("two\n")));
        BlobStore.Versioned v = s.get("refs/heads/main").orElseThrow();
        assertArrayEquals(utf8("one\n"), v.data());
        assertTrue(s.replaceIfUnchanged("refs/heads/main", utf8("three\n"), v.token()));
        assertFalse(s.replaceIfUnchanged("refs/heads/main", utf8("four\n"), v.token()), "a stale token must lose");
        assertArrayEquals(
                utf8("three\n"), s.get("refs/heads/main").orElseThrow().data());
        assertFalse(s.replaceIfUnchanged("refs/heads/none", utf8("x"), v.token()));
    }

    @Test
    void exactlyOneConcurrentCreatorAndReplacerWins() throws Exception {
        BlobStore s = store();
        int n = 8;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Boolean>> created = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int me = i;
                created.add(pool.submit(() -> {
                    go.await();
                    return s.putIfAbsent("locks/x", utf8("owner " + me));
                }));
            }
            go.countDown();
            int winners = 0;
            for (Future<Boolean> f : created) if (f.get()) winners++;
            assertEquals(1, winners);

            String token = s.get("locks/x").orElseThrow().token();
            CountDownLatch go2 = new CountDownLatch(1);
            AtomicInteger replaced = new AtomicInteger();
            List<Future<?>> all = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int me = i;
                all.add(pool.submit(() -> {
                    go2.await();
                    if (s.replaceIfUnchanged("locks/x", utf8("next " + me), token)) replaced.incrementAndGet();
                    return null;
                }));
            }
            go2.countDown();
            for (Future<?> f : all) f.get();
            if (serverReplaceIsAtomic()) assertEquals(1, replaced.get());
            else assertTrue(replaced.get() >= 1);
        } finally {
            pool.shutdownNow();
        }
    }
}
