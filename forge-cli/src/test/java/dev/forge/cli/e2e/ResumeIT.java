package dev.forge.cli.e2e;

import static dev.forge.cli.e2e.E2eFiles.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Transfers that resume, end to end through dist/forge: {@code forge push}, {@code fetch}/{@code
 * pull} and {@code clone} are killed with SIGKILL inside a pack (a byte-counting TCP proxy in front of
 * S3Proxy kills the process when half a clean run's bytes have passed), between packs and before the
 * ref update (the test-only hook {@code FORGE_TEST_PAUSE_AT}, which parks the process there to be
 * killed), then run again. The results are compared byte for byte with the source (the resumed clone
 * is fsck'd too), and the bytes the proxy counted over both runs are at most 1.1x those of one clean
 * run. Packs are cut at 12 MiB and S3 parts at 5 MiB (test-only {@code FORGE_TEST_PACK_SIZE}, {@code
 * FORGE_TEST_S3_PART_SIZE}; S3Proxy, like S3, refuses parts under 5 MiB), so 28 MiB of data spans
 * three packs of three parts: a push killed inside a pack sends at most the part in flight again,
 * which 28 MiB keeps under 10%. A folder remote's push killed between packs is finished without
 * sending a pack again. {@code forge du} is checked against the same remotes. The figures are printed and
 * written to forge-cli/target/resume-figures.md (docs/benchmarks.md, "Transfers that resume").
 */
class ResumeIT {
    @RegisterExtension
    static final S3ProxyExtension S3 = new S3ProxyExtension("forge-it-resume");

    static final int FILES = 4;
    static final int FILE_SIZE = 7 << 20;

    static final Map<String, String> ENV = Map.of(
            "FORGE_S3_ACCESS_KEY_ID", S3ProxyExtension.CREDS.get("FORGE_S3_ACCESS_KEY_ID"),
            "FORGE_S3_SECRET_ACCESS_KEY", S3ProxyExtension.CREDS.get("FORGE_S3_SECRET_ACCESS_KEY"),
            "FORGE_TEST_PACK_SIZE", Integer.toString(12 << 20),
            "FORGE_TEST_S3_PART_SIZE", Integer.toString(5 << 20));

    final List<String> figures = new ArrayList<>();
    final List<Double> ratios = new ArrayList<>();

    static ForgeProcess.Result forge(Path dir, String... args) {
        ForgeProcess.Result r = ForgeProcess.run(dir, Duration.ofMinutes(3), Arrays.asList(args), ENV);
        System.out.println("forge " + String.join(" ", args) + ": " + r.millis() + " ms");
        return r;
    }

    @Test
    void killedTransfersResumeMovingAtMostOnePointOneTimesTheData(@TempDir Path tmp) throws Exception {
        try (CountingProxy proxy = new CountingProxy(S3.server().port())) {
            // W: v1 (one small file), copied as B; then v2: the shots.
            Path w = Files.createDirectories(tmp.resolve("w"));
            Files.writeString(w.resolve("readme.txt"), "v1\n");
            forge(w, "init").ok();
            forge(w, "add", ".").ok();
            forge(w, "commit", "-m", "v1").ok();
            for (String r : List.of("r0", "r1", "r2", "r3"))
                forge(w, "remote", "add", r, url(proxy, r)).ok();
            Path nas = tmp.resolve("nas");
            forge(w, "remote", "add", "nas", nas.toString()).ok();
            Path b = copy(w, tmp.resolve("b"));
            Random rnd = new Random(20);
            Files.createDirectories(w.resolve("shots"));
            for (int i = 0; i < FILES; i++) {
                byte[] data = new byte[FILE_SIZE];
                rnd.nextBytes(data);
                Files.write(w.resolve("shots/shot-" + i + ".bin"), data);
            }
            forge(w, "add", ".").ok();
            forge(w, "commit", "-m", "v2").ok();

            // push: clean to r0; killed inside a pack (r1, one connection: S3 keeps whole parts of at
            // least 5 MiB, so at most the part in flight per connection goes again), between packs
            // (r2), before the ref update (r3).
            Counted clean = counted(proxy, w, "push", "r0", "-j", "2", "--json");
            clean.result().ok();
            long pushClean = clean.bytes();
            long k1 = killedAtBytes(proxy, pushClean / 2, w, "push", "r1", "-j", "1");
            Counted again1 = counted(proxy, w, "push", "r1", "-j", "1", "--json");
            JsonNode p1 = json(again1.result().ok());
            assertTrue(p1.path("packsResumed").asLong() >= 1, again1.result()::describe);
            assertTrue(p1.path("bytesResumed").asLong() > 0, again1.result()::describe);
            row("push", "inside a pack (half the bytes)", pushClean, k1 + again1.bytes(), p1);
            long k2 = killedAtHook(proxy, tmp, "push.afterPack", w, "push", "r2", "-j", "2");
            Counted again2 = counted(proxy, w, "push", "r2", "-j", "2", "--json");
            JsonNode p2 = json(again2.result().ok());
            assertTrue(p2.path("packsResumed").asLong() >= 1, again2.result()::describe);
            row("push", "between packs (after the first)", pushClean, k2 + again2.bytes(), p2);
            long k3 = killedAtHook(proxy, tmp, "push.beforeRef", w, "push", "r3", "-j", "2");
            Counted again3 = counted(proxy, w, "push", "r3", "-j", "2", "--json");
            JsonNode p3 = json(again3.result().ok());
            assertTrue(p3.path("packsResumed").asLong() >= 1, again3.result()::describe);
            assertEquals(0, p3.path("objects").asLong(), again3.result()::describe);
            row("push", "before the ref update", pushClean, k3 + again3.bytes(), p3);

            // A folder remote: a push killed between packs is finished without sending a pack again.
            Path pause = tmp.resolve("paused");
            ForgeProcess.Started s = ForgeProcess.start(
                    w,
                    List.of("push", "nas", "-j", "1"),
                    env(Map.of("FORGE_TEST_PAUSE_AT", "push.afterPack", "FORGE_TEST_PAUSE_FILE", pause.toString())));
            try {
                awaitPause(s, pause);
                ForgeProcess.killTree(s.process());
            } finally {
                s.cleanup();
            }
            long arrived = packBytes(nas);
            assertTrue(arrived > 0, "a pack arrived before the kill");
            JsonNode again = json(forge(w, "push", "nas", "--json").ok());
            assertTrue(again.path("packsResumed").asLong() >= 1, again::toString);
            assertTrue(again.path("bytesResumed").asLong() >= arrived, again::toString);
            // What the rerun sent and what had arrived add up to what the remote holds: none went twice.
            assertTrue(again.path("bytesSent").asLong() + arrived <= packBytes(nas) + (256 << 10), again::toString);

            // fetch/pull into copies of B (v1; W's remotes): killed inside a pack (from r0), after a
            // read (from r2) and before the refs move (from r3), run again; the pulls from r2 and r3
            // also check what the killed pushes left there. The clean runs of a fetch and of a clone
            // move the same bytes but v1's few: one clean clone is the measure for both.
            Counted cclean = counted(proxy, tmp, "clone", url(proxy, "r0"), "c0", "-j", "2", "--json");
            cclean.result().ok();
            long cloneClean = cclean.bytes();
            Path f1 = copy(b, tmp.resolve("f1"));
            long fk1 = killedAtBytes(proxy, cloneClean / 2, f1, "fetch", "r0", "-j", "2");
            Counted fa1 = counted(proxy, f1, "pull", "r0", "-j", "2", "--json");
            JsonNode fj1 = json(fa1.result().ok());
            assertTrue(fj1.path("bytesResumed").asLong() > 0, fa1.result()::describe);
            row("fetch, then pull", "inside a pack (half the bytes)", cloneClean, fk1 + fa1.bytes(), fj1);
            Path f2 = copy(b, tmp.resolve("f2"));
            long fk2 = killedAtHook(proxy, tmp, "fetch.afterRead", f2, "pull", "r2", "-j", "2");
            Counted fa2 = counted(proxy, f2, "pull", "r2", "-j", "2", "--json");
            JsonNode fj2 = json(fa2.result().ok());
            row("pull", "between packs (after a read)", cloneClean, fk2 + fa2.bytes(), fj2);
            Path f3 = copy(b, tmp.resolve("f3"));
            long fk3 = killedAtHook(proxy, tmp, "fetch.beforeRef", f3, "pull", "r3", "-j", "2");
            Counted fa3 = counted(proxy, f3, "pull", "r3", "-j", "2", "--json");
            JsonNode fj3 = json(fa3.result().ok());
            assertEquals(0, fj3.path("objects").asLong(), fa3.result()::describe);
            row("pull", "before the ref update", cloneClean, fk3 + fa3.bytes(), fj3);

            // clone killed inside a pack (from r1, what the push killed inside a pack left): any other
            // command refuses the folder, the same clone again continues it.
            long ck1 = killedAtBytes(proxy, cloneClean / 2, tmp, "clone", url(proxy, "r1"), "c1", "-j", "2");
            ForgeProcess.Result refused =
                    forge(tmp.resolve("c1"), "status").expect(3).oneLineError();
            assertTrue(refused.stderr().contains("unfinished clone"), refused::describe);
            assertTrue(refused.stderr().contains("forge clone s3://forge/r1"), refused::describe);
            Counted ca1 = counted(proxy, tmp, "clone", url(proxy, "r1"), "c1", "-j", "2", "--json");
            JsonNode cj1 = json(ca1.result().ok());
            assertTrue(cj1.path("resumed").asBoolean(), ca1.result()::describe);
            assertTrue(cj1.path("bytesResumed").asLong() > 0, ca1.result()::describe);
            row("clone", "inside a pack (half the bytes)", cloneClean, ck1 + ca1.bytes(), cj1);

            // Every result is W's v2 byte for byte; the resumed clone is fsck-clean.
            forge(tmp, "clone", nas.toString(), "n").ok();
            for (String d : List.of("f1", "f2", "f3", "c1", "n")) E2eFiles.assertSameTree(w, tmp.resolve(d));
            forge(tmp.resolve("c1"), "fsck").ok();

            // forge du: every remote holds what the local store holds (as last synced; no network).
            JsonNode du = json(forge(w, "du", "--json").ok());
            JsonNode all = du.path("paths").get(du.path("paths").size() - 1);
            assertEquals("", all.path("path").asText(), du::toString);
            assertEquals((long) FILES * FILE_SIZE + 3, all.path("size").asLong(), du::toString);
            assertEquals(all.path("size").asLong(), all.path("workTree").asLong(), du::toString);
            assertTrue(all.path("local").asLong() > (long) FILES * FILE_SIZE * 99 / 100, du::toString);
            for (String r : List.of("r0", "r1", "r2", "r3", "nas"))
                assertEquals(
                        all.path("local").asLong(), all.path("remotes").path(r).asLong(), du::toString);
            String table = String.join("\n", figures);
            System.out.println(table);
            Files.writeString(ForgeProcess.repoRoot().resolve("forge-cli/target/resume-figures.md"), table + "\n");
            for (double x : ratios) assertTrue(x <= 1.1, () -> "a rerun moved over 1.1x in total:\n" + table);
        }
    }

    static long packBytes(Path remote) throws IOException {
        Path packs = remote.resolve("packs");
        if (!Files.isDirectory(packs)) return 0;
        long n = 0;
        try (var l = Files.list(packs)) {
            for (Path p : (Iterable<Path>) l::iterator) if (p.toString().endsWith(".pack")) n += Files.size(p);
        }
        return n;
    }

    void row(String command, String point, long clean, long total, JsonNode rerun) {
        ratios.add(total / (double) clean);
        figures.add("| " + command + " | " + point + " | " + clean + " | " + total + " | " + ratio(total, clean)
                + "x | " + rerun.path("packsResumed").asLong() + " | "
                + rerun.path("bytesResumed").asLong() + " |");
    }

    static Path copy(Path from, Path to) {
        E2eFiles.copyTree(from, to);
        return to;
    }

    /** Runs forge to the end through the proxy, counting its bytes. */
    static Counted counted(CountingProxy proxy, Path dir, String... args) {
        proxy.reset(Long.MAX_VALUE);
        return new Counted(finish(proxy, ForgeProcess.start(dir, List.of(args), ENV), dir, args), proxy.bytes());
    }

    private static ForgeProcess.Result finish(CountingProxy proxy, ForgeProcess.Started s, Path dir, String... args) {
        long t0 = System.nanoTime();
        proxy.victim(s.process());
        try {
            if (!s.process().waitFor(3, TimeUnit.MINUTES)) {
                ForgeProcess.killTree(s.process());
                fail("forge " + String.join(" ", args) + " did not finish in 3 minutes: " + s.readStderr());
            }
            System.out.println(
                    "forge " + String.join(" ", args) + ": " + (System.nanoTime() - t0) / 1_000_000 + " ms (counted)");
            return new ForgeProcess.Result(
                    dir,
                    List.of(args),
                    s.process().exitValue(),
                    Files.readAllBytes(s.stdout()),
                    s.readStderr(),
                    (System.nanoTime() - t0) / 1_000_000);
        } catch (InterruptedException | IOException e) {
            throw new AssertionError(e);
        } finally {
            s.cleanup();
        }
    }

    /** Runs forge through the proxy, which kills it once {@code at} bytes have passed; returns the bytes. */
    static long killedAtBytes(CountingProxy proxy, long at, Path dir, String... args) {
        proxy.reset(at);
        ForgeProcess.Result r = finish(proxy, ForgeProcess.start(dir, List.of(args), ENV), dir, args);
        assertTrue(r.exitCode() != 0, () -> "it finished before " + at + " bytes: " + r.describe());
        return proxy.bytes();
    }

    /** Runs forge until it reaches the test-only pause point {@code point}, kills it there; returns the bytes. */
    static long killedAtHook(CountingProxy proxy, Path tmp, String point, Path dir, String... args) throws IOException {
        proxy.reset(Long.MAX_VALUE);
        Path pause = Files.createTempFile(tmp, "pause-", ".txt");
        Files.delete(pause);
        ForgeProcess.Started s = ForgeProcess.start(
                dir,
                List.of(args),
                env(Map.of("FORGE_TEST_PAUSE_AT", point, "FORGE_TEST_PAUSE_FILE", pause.toString())));
        try {
            awaitPause(s, pause);
            ForgeProcess.killTree(s.process());
        } finally {
            s.cleanup();
        }
        return proxy.bytes();
    }

    static void awaitPause(ForgeProcess.Started s, Path pause) {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (!Files.exists(pause)) {
            if (!s.process().isAlive())
                fail("forge " + s.args() + " ended without reaching its pause point: " + s.readStderr());
            if (System.nanoTime() > deadline) {
                ForgeProcess.killTree(s.process());
                fail("forge " + s.args() + " did not reach its pause point in 3 minutes");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    static String url(CountingProxy proxy, String prefix) {
        return "s3://forge/" + prefix + "?endpoint=http://127.0.0.1:" + proxy.port() + "&path-style=true";
    }

    /** What a counted run did: its result (null when killed) and the bytes the proxy passed. */
    record Counted(ForgeProcess.Result result, long bytes) {}

    /**
     * A TCP proxy on 127.0.0.1 in front of S3Proxy that counts the bytes it passes both ways and can
     * SIGKILL a forge process once a given count has passed: it then passes nothing more, gives the
     * process {@link #DRAIN_MILLIS} to take what arrived out of its socket buffers, and kills it.
     */
    static final class CountingProxy implements AutoCloseable {
        private final ServerSocket server;
        private final int upstream;
        private final AtomicLong bytes = new AtomicLong();
        private final List<Socket> open = new ArrayList<>();
        private volatile boolean frozen;
        private volatile long killAt = Long.MAX_VALUE;
        private volatile Process victim;
        private volatile boolean closed;
        static final long DRAIN_MILLIS = 500;

        CountingProxy(int upstream) throws IOException {
            this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            this.upstream = upstream;
            Thread.ofPlatform().daemon().name("counting-proxy").start(this::accept);
        }

        int port() {
            return server.getLocalPort();
        }

        /** Which count a kill belongs to: a kill left over from an earlier count must not touch this one's process. */
        private long generation;

        /** Starts a new count; {@code killAt}: the count at which {@code victim} is killed (MAX_VALUE: never). */
        synchronized void reset(long killAt) {
            generation++;
            bytes.set(0);
            this.killAt = killAt;
            this.victim = null;
            this.frozen = false;
        }

        long bytes() {
            return bytes.get();
        }

        void victim(Process p) {
            this.victim = p;
        }

        private void accept() {
            while (!closed) {
                try {
                    Socket client = server.accept();
                    Socket up = new Socket(InetAddress.getLoopbackAddress(), upstream);
                    synchronized (open) {
                        open.add(client);
                        open.add(up);
                    }
                    InputStream fromClient = client.getInputStream();
                    OutputStream toClient = client.getOutputStream();
                    InputStream fromUp = up.getInputStream();
                    OutputStream toUp = up.getOutputStream();
                    Thread.ofPlatform().daemon().start(() -> pump(fromClient, toUp, client, up));
                    Thread.ofPlatform().daemon().start(() -> pump(fromUp, toClient, client, up));
                } catch (IOException e) {
                    if (closed) return;
                }
            }
        }

        private void pump(InputStream in, OutputStream out, Socket a, Socket b) {
            byte[] buf = new byte[16 << 10];
            try (a;
                    b) {
                for (int n; (n = in.read(buf)) > 0; ) {
                    // Frozen: nothing more passes; the sockets stay open until the process is killed.
                    while (frozen) Thread.sleep(5);
                    out.write(buf, 0, n);
                    out.flush();
                    if (bytes.addAndGet(n) >= killAt) kill();
                }
            } catch (IOException e) {
                // the other side closed, or the process was killed
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private synchronized void kill() {
            if (frozen) return;
            frozen = true;
            long count = generation;
            while (victim == null && count == generation) {
                try {
                    wait(10);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            if (count != generation) return; // that run ended and a new count began: not its process
            // The process of this count, taken now: the one a later count names must never be killed.
            Process target = victim;
            // What the proxy passed has arrived: the process gets a moment to take it out of its socket
            // buffers (as it would on a network that stalls), then SIGKILL.
            try {
                Thread.sleep(DRAIN_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ForgeProcess.killTree(target);
            synchronized (open) {
                for (Socket s : open) {
                    try {
                        s.close();
                    } catch (IOException ignored) {
                        // already closed
                    }
                }
                open.clear();
            }
        }

        @Override
        public void close() throws IOException {
            closed = true;
            server.close();
        }
    }

    static Map<String, String> env(Map<String, String> more) {
        Map<String, String> m = new HashMap<>(ENV);
        m.putAll(more);
        return m;
    }

    static String ratio(long total, long clean) {
        return String.format(Locale.ROOT, "%.3f", total / (double) clean);
    }
}
