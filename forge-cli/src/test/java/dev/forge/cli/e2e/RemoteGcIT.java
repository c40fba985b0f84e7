package dev.forge.cli.e2e;

import static dev.forge.cli.e2e.E2eFiles.json;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code forge gc --remote} through dist/forge: several processes push while gc runs again and again
 * with no grace (so that it deletes), on S3Proxy; afterwards every branch clones, fscks clean and has
 * the pushers' bytes. And on a folder remote: branches deleted with {@code push --delete} free their
 * bytes (the folder's size before and after), with the dry run's figures and monthly saving first.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class RemoteGcIT {
    @RegisterExtension
    static final S3ProxyExtension S3 = new S3ProxyExtension("forge-it-s3proxy-gc");

    static final Map<String, String> creds = S3ProxyExtension.CREDS;

    static ForgeProcess.Result forge(Path dir, String... args) {
        return ForgeProcess.run(dir, Duration.ofMinutes(5), Arrays.asList(args), creds);
    }

    static byte[] random(long seed, int n) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void pushesWhileGcRunsLoseNothing(@TempDir Path tmp) throws Exception {
        String url = "s3://forge/gc?endpoint=" + S3.server().endpoint() + "&path-style=true";
        byte[] shared = random(99, 600_000);
        Path seed = Files.createDirectories(tmp.resolve("seed"));
        forge(seed, "init").ok();
        Files.write(seed.resolve("base.bin"), random(1, 200_000));
        forge(seed, "add", ".").ok();
        forge(seed, "commit", "-m", "base").ok();
        forge(seed, "remote", "add", "origin", url).ok();
        forge(seed, "push").ok();
        // Garbage whose content the pushers will send again: the race gc must survive.
        Files.write(seed.resolve("shared.bin"), shared);
        forge(seed, "add", ".").ok();
        forge(seed, "commit", "-m", "old").ok();
        forge(seed, "push", "origin", "main:old").ok();
        forge(seed, "push", "origin", "--delete", "old").ok();
        forge(seed, "gc", "--remote", "origin", "--grace", "0s").ok();

        int pushers = 3;
        int rounds = 2;
        List<Path> repos = new ArrayList<>();
        for (int p = 0; p < pushers; p++) {
            Path r = tmp.resolve("p" + p);
            forge(tmp, "clone", url, r.toString()).ok();
            repos.add(r);
        }
        AtomicBoolean done = new AtomicBoolean();
        List<CompletableFuture<Void>> running = new ArrayList<>();
        for (int p = 0; p < pushers; p++) {
            int pp = p;
            Path r = repos.get(p);
            running.add(CompletableFuture.runAsync(() -> {
                try {
                    for (int i = 0; i < rounds; i++) {
                        Files.write(r.resolve("own-" + i + ".bin"), random(1000 + pp * 10 + i, 150_000));
                        // Every pusher adds the content of the deleted branch again, found in dead packs.
                        if (i == 0) Files.write(r.resolve("shared.bin"), shared);
                        forge(r, "add", ".").ok();
                        forge(r, "commit", "-m", "p" + pp + " round " + i).ok();
                        forge(r, "push", "origin", "main:p" + pp).ok();
                    }
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }));
        }
        CompletableFuture<Void> all = CompletableFuture.allOf(running.toArray(CompletableFuture[]::new));
        all.whenComplete((v, e) -> done.set(true));
        int gcRuns = 0;
        long deletedWhilePushing = 0;
        while (!done.get() || gcRuns < 2) {
            JsonNode r = json(forge(seed, "gc", "--remote", "origin", "--grace", "0s", "--json")
                    .ok());
            deletedWhilePushing += r.get("packsDeleted").asLong();
            gcRuns++;
        }
        all.get();
        // The deleted branch's packs were found dead before the pushes began; at least its commit's pack
        // (nothing else reaches that commit) went while they ran. Its chunk pack stays if a push relied
        // on it; the clones below check every branch either way.
        assertTrue(deletedWhilePushing >= 1, deletedWhilePushing + " packs deleted in " + gcRuns + " runs");
        JsonNode last = null;
        for (int i = 0; i < 2; i++)
            last = json(forge(seed, "gc", "--remote", "origin", "--grace", "0s", "--json")
                    .ok());
        assertEquals(0, last.get("packsPending").asLong(), last.toString());

        for (int p = 0; p < pushers; p++) {
            Path c = tmp.resolve("check" + p);
            forge(tmp, "clone", url, c.toString(), "--branch", "p" + p).ok();
            forge(c, "fsck").ok();
            E2eFiles.assertSameTree(repos.get(p), c);
            assertArrayEquals(random(1, 200_000), Files.readAllBytes(c.resolve("base.bin")));
        }
    }

    @Test
    void deletedBranchesFreeTheirBytes(@TempDir Path tmp) throws Exception {
        Path remote = tmp.resolve("remote");
        Path w = Files.createDirectories(tmp.resolve("w"));
        forge(w, "init").ok();
        Files.write(w.resolve("keep.bin"), random(1, 300_000));
        forge(w, "add", ".").ok();
        forge(w, "commit", "-m", "keep").ok();
        forge(w, "remote", "add", "origin", remote.toString()).ok();
        forge(w, "push").ok();
        // render-b grows from render-a: both renders are reached only from the branches deleted below.
        for (String b : List.of("render-a", "render-b")) {
            forge(w, "switch", "-c", b).ok();
            Files.write(w.resolve(b + ".bin"), random(b.hashCode(), 2_000_000));
            forge(w, "add", ".").ok();
            forge(w, "commit", "-m", b).ok();
            forge(w, "push", "origin", b).ok();
        }
        forge(w, "switch", "main").ok();
        for (String b : List.of("render-a", "render-b"))
            forge(w, "push", "origin", "--delete", b).ok();
        long before = size(remote);
        var filesBefore = sizes(remote);

        forge(w, "config", "remote.origin.pricePerGiBMonth", "0.02").ok();
        JsonNode dry =
                json(forge(w, "gc", "--remote", "origin", "--dry-run", "--json").ok());
        assertTrue(dry.get("bytesToFree").asLong() > 3_900_000, dry.toString());
        assertTrue(dry.get("objectsToFree").asLong() > 40, dry.toString());
        double saving = dry.get("monthlySaving").asDouble();
        assertEquals(dry.get("bytesToFree").asLong() / (double) (1L << 30) * 0.02, saving, 1e-12);
        assertEquals(filesBefore, sizes(remote), "a dry run changes nothing");
        String text = forge(w, "gc", "--remote", "origin", "--dry-run").ok().stdout();
        assertTrue(text.startsWith("Would free ") && text.contains("a month at 0.02 per GiB"), text);

        JsonNode first = json(
                forge(w, "gc", "--remote", "origin", "--grace", "0s", "--json").ok());
        assertEquals(0, first.get("packsDeleted").asLong(), "found dead now, deleted by a later run");
        assertEquals(packSizes(filesBefore), packSizes(sizes(remote)), "no pack deleted yet");
        JsonNode second = json(
                forge(w, "gc", "--remote", "origin", "--grace", "0s", "--json").ok());
        assertTrue(second.get("packsDeleted").asLong() >= 2, second.toString());
        long after = size(remote);
        assertTrue(before - after > 3_900_000, before + " -> " + after);

        Path c = tmp.resolve("c");
        forge(tmp, "clone", remote.toString(), c.toString()).ok();
        forge(c, "fsck").ok();
        assertArrayEquals(random(1, 300_000), Files.readAllBytes(c.resolve("keep.bin")));

        // Usage and refusals.
        forge(w, "gc", "--grace", "1d").expect(2).oneLineError();
        forge(w, "gc", "--remote", "origin", "--grace", "soon").expect(2).oneLineError();
        forge(w, "remote", "add", "web", "http://127.0.0.1:9/shots").ok();
        String refused =
                forge(w, "gc", "--remote", "web").expect(10).oneLineError().stderr();
        assertTrue(refused.contains("read-only"), refused);
    }

    /** Bytes of the folder remote's files. */
    static long size(Path dir) throws Exception {
        try (Stream<Path> s = Files.walk(dir)) {
            long n = 0;
            for (Path p : (Iterable<Path>) s::iterator) if (Files.isRegularFile(p)) n += Files.size(p);
            return n;
        }
    }

    /** Every file of the folder remote with its length. */
    static java.util.SortedMap<String, Long> sizes(Path dir) throws Exception {
        java.util.SortedMap<String, Long> out = new java.util.TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s::iterator)
                if (Files.isRegularFile(p)) out.put(dir.relativize(p).toString(), Files.size(p));
        }
        return out;
    }

    static java.util.SortedMap<String, Long> packSizes(java.util.SortedMap<String, Long> sizes) {
        java.util.SortedMap<String, Long> out = new java.util.TreeMap<>(sizes);
        out.keySet().removeIf(k -> !k.startsWith("packs/"));
        return out;
    }
}
