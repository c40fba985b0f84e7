package dev.forge.cli.e2e;

import static dev.forge.cli.e2e.E2eFiles.assertSameTree;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code forge serve --upstream} as a real process: clones through it, cache hits counted from
 * /metrics, the bearer token, and SIGTERM.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class ServeIT {
    @BeforeAll
    static void built() {
        ForgeProcess.forge();
    }

    /** Starts forge serve and waits for its JSON start line. */
    private static ForgeProcess.Started serve(Path dir, List<String> args) throws Exception {
        ForgeProcess.Started s = ForgeProcess.start(dir, args);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!s.readStdout().strip().endsWith("}")) {
            if (!s.process().isAlive() || System.nanoTime() > deadline) {
                ForgeProcess.killTree(s.process());
                throw new AssertionError("forge serve did not start: " + s.readStderr());
            }
            Thread.sleep(100);
        }
        return s;
    }

    /** SIGTERM, then up to 20 s for it to end; whether it ended. */
    private static boolean stop(ForgeProcess.Started serve) throws InterruptedException {
        serve.process().destroy();
        boolean ended = serve.process().waitFor(20, TimeUnit.SECONDS);
        serve.cleanup();
        return ended;
    }

    private static long metric(String url, String name) throws Exception {
        try (HttpClient c = HttpClient.newHttpClient()) {
            String text = c.send(
                            HttpRequest.newBuilder(URI.create(url + "metrics")).build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
            for (String line : text.lines().toList()) {
                if (line.startsWith(name + " ")) return Long.parseLong(line.substring(name.length() + 1));
            }
            throw new AssertionError(name + " not in\n" + text);
        }
    }

    @Test
    void clonesThroughServeHitTheCacheAndSigtermStopsIt(@TempDir Path tmp) throws Exception {
        Path a = Files.createDirectories(tmp.resolve("a"));
        byte[] b = new byte[4_000_000];
        new Random(5).nextBytes(b);
        Files.createDirectories(a.resolve("shots"));
        Files.write(a.resolve("shots/plate.exr"), b);
        ForgeProcess.run(a, "init").ok();
        ForgeProcess.run(a, "add", ".").ok();
        ForgeProcess.run(a, "commit", "-m", "v1").ok();
        Path remote = tmp.resolve("remote");
        ForgeProcess.run(a, "remote", "add", "origin", remote.toString()).ok();
        ForgeProcess.run(a, "push").ok();

        Files.writeString(tmp.resolve("token"), "farm-token-123\n");
        ForgeProcess.Started serve = serve(
                tmp,
                List.of(
                        "serve",
                        "--upstream",
                        remote.toString(),
                        "--port",
                        "0",
                        "--cache-dir",
                        tmp.resolve("cache").toString(),
                        "--token-file",
                        "token",
                        "--json"));
        try {
            JsonNode start = E2eFiles.JSON.readTree(serve.readStdout());
            String url = start.path("url").asText();
            assertTrue(url.startsWith("http://127.0.0.1:"), url);

            // Without the token: refused, exit 10, and the message says where a token goes.
            ForgeProcess.Result refused = ForgeProcess.run(
                            tmp, "clone", url, tmp.resolve("n0").toString())
                    .expect(10);
            assertTrue(refused.stderr().contains("FORGE_HTTP_TOKEN"), refused.describe());
            assertFalse(Files.exists(tmp.resolve("n0")), "a refused clone leaves no folder");

            Map<String, String> env = Map.of("FORGE_HTTP_TOKEN", "farm-token-123");
            ForgeProcess.run(
                            tmp,
                            java.time.Duration.ofMinutes(3),
                            List.of("clone", url, tmp.resolve("n1").toString()),
                            env)
                    .ok();
            assertSameTree(a, tmp.resolve("n1"));
            ForgeProcess.Result second = ForgeProcess.run(
                    tmp,
                    java.time.Duration.ofMinutes(3),
                    List.of("clone", url, tmp.resolve("n2").toString()),
                    env);
            second.ok();
            assertSameTree(a, tmp.resolve("n2"));
            assertFalse(second.output().contains("farm-token-123"), "the token is never printed");
        } finally {
            assertTrue(stop(serve), "forge serve stops on SIGTERM");
        }
        // 143 = 128 + SIGTERM: stopped by the signal, after closing the server and the cache.
        assertEquals(143, serve.process().exitValue());
    }

    /** Two nodes' caches as peers: a clone reads every pack through them, the origin sends each once. */
    @Test
    void clonesWithPeersReadPacksThroughThemAndTheOriginSendsEachOnce(@TempDir Path tmp) throws Exception {
        Path a = Files.createDirectories(tmp.resolve("a"));
        for (int i = 0; i < 3; i++) {
            byte[] b = new byte[2_000_000];
            new Random(10 + i).nextBytes(b);
            Files.createDirectories(a.resolve("shots"));
            Files.write(a.resolve("shots/plate" + i + ".exr"), b);
        }
        ForgeProcess.run(a, "init").ok();
        ForgeProcess.run(a, "add", ".").ok();
        ForgeProcess.run(a, "commit", "-m", "v1").ok();
        Path remote = tmp.resolve("remote");
        ForgeProcess.run(a, "remote", "add", "origin", remote.toString()).ok();
        ForgeProcess.run(a, "push").ok();
        List<ForgeProcess.Started> peers = new java.util.ArrayList<>();
        List<String> urls = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                ForgeProcess.Started s = serve(
                        tmp,
                        List.of(
                                "serve",
                                "--upstream",
                                remote.toString(),
                                "--port",
                                "0",
                                "--cache-dir",
                                tmp.resolve("cache" + i).toString(),
                                "--json"));
                peers.add(s);
                urls.add(E2eFiles.JSON.readTree(s.readStdout()).path("url").asText());
            }
            String peerList = String.join(",", urls);
            JsonNode first = E2eFiles.json(ForgeProcess.run(
                            tmp, "clone", remote.toString(), tmp.resolve("n1").toString(), "--peer", peerList, "--json")
                    .ok());
            assertSameTree(a, tmp.resolve("n1"));
            long viaPeers = 0;
            for (var e : first.path("fromOthers").properties())
                viaPeers += e.getValue().asLong();
            assertTrue(viaPeers > 0 && first.path("droppedPeers").isEmpty(), first.toString());
            long upstream = metric(urls.get(0), "forge_serve_bytes_from_upstream_total")
                    + metric(urls.get(1), "forge_serve_bytes_from_upstream_total");
            assertTrue(upstream >= 6_000_000, "upstream " + upstream);

            ForgeProcess.run(tmp, "clone", remote.toString(), tmp.resolve("n2").toString(), "--peer", peerList)
                    .ok();
            assertSameTree(a, tmp.resolve("n2"));
            long after = metric(urls.get(0), "forge_serve_bytes_from_upstream_total")
                    + metric(urls.get(1), "forge_serve_bytes_from_upstream_total");
            // Packs and their indexes came from the peers' caches. The names that change (refs) are
            // fresh for 2 s only, so a second clone that starts later (a busy machine) reads them from
            // upstream again: at most the bytes of every file outside packs/, far less than any pack.
            long changing;
            try (java.util.stream.Stream<Path> files = Files.walk(remote)) {
                changing = files.filter(Files::isRegularFile)
                        .filter(f -> !remote.relativize(f).startsWith("packs"))
                        .mapToLong(f -> f.toFile().length())
                        .sum();
            }
            assertTrue(
                    after - upstream <= changing,
                    "the second clone's packs came from the peers' caches: " + (after - upstream)
                            + " more bytes from upstream, " + changing + " outside packs/");
            assertEquals(
                    peerList,
                    ForgeProcess.run(tmp.resolve("n2"), "config", "remote.origin.peers")
                            .ok()
                            .stdout()
                            .strip());
        } finally {
            for (ForgeProcess.Started s : peers) stop(s);
        }
    }

    /** forge serve inside a repository: clones and fetches see its branches, and it keeps no lock on it. */
    @Test
    void aRepositoryIsServedWhileItKeepsChanging(@TempDir Path tmp) throws Exception {
        Path a = Files.createDirectories(tmp.resolve("a"));
        byte[] b = new byte[2_000_000];
        new Random(3).nextBytes(b);
        Files.write(a.resolve("plate.exr"), b);
        ForgeProcess.run(a, "init").ok();
        ForgeProcess.run(a, "add", ".").ok();
        ForgeProcess.run(a, "commit", "-m", "v1").ok();
        ForgeProcess.Started serve = serve(a, List.of("serve", "--port", "0", "--json"));
        try {
            String url = E2eFiles.JSON.readTree(serve.readStdout()).path("url").asText();
            ForgeProcess.run(tmp, "clone", url, tmp.resolve("n1").toString()).ok();
            assertSameTree(a, tmp.resolve("n1"));
            // The served repository stays writable: a commit while serving.
            Files.writeString(a.resolve("notes.txt"), "v2\n");
            ForgeProcess.run(a, "add", ".").ok();
            ForgeProcess.run(a, "commit", "-m", "v2").ok();
            Thread.sleep(2500); // the served listing is refreshed every 2 s
            ForgeProcess.run(tmp.resolve("n1"), "pull").ok();
            assertSameTree(a, tmp.resolve("n1"));
            ForgeProcess.run(tmp.resolve("n1"), "push").expect(10);
        } finally {
            stop(serve);
        }
    }

    @Test
    void metricsCountCacheHitsAndUpstreamBytes(@TempDir Path tmp) throws Exception {
        Path a = Files.createDirectories(tmp.resolve("a"));
        byte[] b = new byte[3_000_000];
        new Random(9).nextBytes(b);
        Files.write(a.resolve("take.mov"), b);
        ForgeProcess.run(a, "init").ok();
        ForgeProcess.run(a, "add", ".").ok();
        ForgeProcess.run(a, "commit", "-m", "v1").ok();
        Path remote = tmp.resolve("remote");
        ForgeProcess.run(a, "remote", "add", "origin", remote.toString()).ok();
        ForgeProcess.run(a, "push").ok();
        ForgeProcess.Started serve = serve(
                tmp,
                List.of("serve", "--upstream", remote.toString(), "--port", "0", "--cache-dir", "cache", "--json"));
        try {
            String url = E2eFiles.JSON.readTree(serve.readStdout()).path("url").asText();
            ForgeProcess.run(tmp, "clone", url, tmp.resolve("n1").toString()).ok();
            long upstreamAfterOne = metric(url, "forge_serve_bytes_from_upstream_total");
            long missesAfterOne = metric(url, "forge_serve_cache_misses_total");
            ForgeProcess.run(tmp, "clone", url, tmp.resolve("n2").toString()).ok();
            ForgeProcess.run(tmp, "clone", url, tmp.resolve("n3").toString()).ok();
            assertSameTree(a, tmp.resolve("n3"));
            assertTrue(upstreamAfterOne > 3_000_000, "the first clone filled the cache: " + upstreamAfterOne);
            assertEquals(missesAfterOne, metric(url, "forge_serve_cache_misses_total"), "later clones miss nothing");
            long upstreamAfterThree = metric(url, "forge_serve_bytes_from_upstream_total");
            assertTrue(
                    upstreamAfterThree - upstreamAfterOne < 10_000,
                    "later clones read only refs and listings upstream: " + (upstreamAfterThree - upstreamAfterOne));
            assertTrue(metric(url, "forge_serve_cache_hits_total") > 0);
            assertTrue(metric(url, "forge_serve_bytes_served_total") > 9_000_000);
        } finally {
            stop(serve);
        }
    }
}
