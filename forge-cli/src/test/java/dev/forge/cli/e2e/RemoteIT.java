package dev.forge.cli.e2e;

import static dev.forge.cli.e2e.E2eFiles.assertMatchesManifest;
import static dev.forge.cli.e2e.E2eFiles.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.SortedMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Remotes end to end through dist/forge: the shared corpus pushed to a folder remote and to S3Proxy
 * (a real S3 server on 127.0.0.1, signatures checked), cloned into fresh folders and compared with
 * the corpus manifests; v2 pushed after v1 must send about the stored increment, not the size of the
 * changed files; two real processes pushing the same branch at once: exactly one wins, the other
 * exits 8; and errors are one line with their documented exit codes.
 */
@Timeout(value = 60, unit = TimeUnit.MINUTES)
class RemoteIT {
    @RegisterExtension
    static final S3ProxyExtension S3 = new S3ProxyExtension("forge-it-s3proxy");

    static final Map<String, String> creds = S3ProxyExtension.CREDS;

    static ForgeProcess.Result forge(Path dir, String... args) {
        return ForgeProcess.run(dir, Duration.ofMinutes(10), Arrays.asList(args), creds);
    }

    static String s3Url(String prefix) {
        return "s3://forge/" + prefix + "?endpoint=" + S3.server().endpoint() + "&path-style=true";
    }

    @Test
    void corpusThroughAFolderRemote(@TempDir Path tmp) throws Exception {
        corpusRoundTrip(tmp, tmp.resolve("remote").toUri().toString(), "folder");
    }

    @Test
    void corpusThroughS3(@TempDir Path tmp) throws Exception {
        corpusRoundTrip(tmp, s3Url("corpus"), "s3proxy");
    }

    private void corpusRoundTrip(Path tmp, String url, String label) throws Exception {
        Path corpus = corpus();
        SortedMap<String, String> v1 = E2eFiles.readManifest(corpus.resolve("MANIFEST-v1.sha256"));
        SortedMap<String, String> v2 = E2eFiles.readManifest(corpus.resolve("MANIFEST-v2.sha256"));
        Path work = Files.createDirectories(tmp.resolve("work"));
        forge(work, "init").ok();
        E2eFiles.copyTree(corpus.resolve("v1"), work);
        forge(work, "add", ".").ok();
        forge(work, "commit", "-m", "corpus v1").ok();
        forge(work, "remote", "add", "origin", url).ok();
        JsonNode p1 = json(forge(work, "push", "--json").ok());
        long v1Size = E2eFiles.totalSize(corpus.resolve("v1"));

        JsonNode c = json(forge(tmp, "clone", url, "fresh", "--json").ok());
        Path fresh = tmp.resolve("fresh");
        assertMatchesManifest(v1, fresh, "the clone of v1 (" + label + ")");
        assertEquals("main", c.path("branch").asText(), c::toString);
        forge(fresh, "fsck").ok();

        long storedBefore =
                json(forge(work, "stats", "--json").ok()).path("storedBytes").asLong();
        E2eFiles.replaceContent(work, corpus.resolve("v2"));
        forge(work, "add", ".").ok();
        forge(work, "commit", "-m", "corpus v2").ok();
        long increment =
                json(forge(work, "stats", "--json").ok()).path("storedBytes").asLong() - storedBefore;
        JsonNode p2 = json(forge(work, "push", "--json").ok());
        long v2Size = E2eFiles.totalSize(corpus.resolve("v2"));

        JsonNode pull = json(forge(fresh, "pull", "--json").ok());
        assertEquals("fast_forward", pull.path("outcome").asText(), pull::toString);
        assertMatchesManifest(v2, fresh, "the clone after pulling v2 (" + label + ")");
        assertTrue(json(forge(fresh, "status", "--json").ok()).path("clean").asBoolean());

        long sent1 = p1.path("bytesSent").asLong();
        long sent2 = p2.path("bytesSent").asLong();
        System.out.printf(
                Locale.ROOT,
                "[RemoteIT] %s: v1 %d bytes -> push sent %d in %.1f s (%d requests); clone received %d in %.1f s%n",
                label,
                v1Size,
                sent1,
                p1.path("seconds").asDouble(),
                p1.path("requests").asLong(),
                c.path("bytesReceived").asLong(),
                c.path("seconds").asDouble());
        System.out.printf(
                Locale.ROOT,
                "[RemoteIT] %s: v2 %d bytes, stored increment %d -> push sent %d in %.1f s; pull received %d%n",
                label,
                v2Size,
                increment,
                sent2,
                p2.path("seconds").asDouble(),
                pull.path("bytesReceived").asLong());
        assertTrue(sent1 > v1Size / 3, () -> "v1 push sent only " + sent1);
        assertTrue(sent2 < v2Size / 4, () -> "v2 push sent " + sent2 + " bytes of a " + v2Size + "-byte tree");
        assertTrue(
                sent2 < increment + increment / 5 + (1 << 20),
                () -> "v2 push sent " + sent2 + " bytes, more than the stored increment " + increment
                        + " (+20% +1 MiB)");
        assertTrue(pull.path("bytesReceived").asLong() < increment + increment / 5 + (1 << 20), pull::toString);
    }

    static Path corpus() throws Exception {
        return CorpusIT.shared("skipping");
    }

    @Test
    void twoPushProcessesAtOnceOnAFolderRemote(@TempDir Path tmp) throws Exception {
        racingPushes(tmp, tmp.resolve("remote").toString());
    }

    @Test
    void twoPushProcessesAtOnceOnS3(@TempDir Path tmp) throws Exception {
        racingPushes(tmp, s3Url("race"));
    }

    private void racingPushes(Path tmp, String url) throws Exception {
        Path base = Files.createDirectories(tmp.resolve("base"));
        Files.write(base.resolve("plate.bin"), random(1, 2_000_000));
        forge(base, "init").ok();
        forge(base, "add", ".").ok();
        forge(base, "commit", "-m", "base").ok();
        forge(base, "remote", "add", "origin", url).ok();
        forge(base, "push").ok();
        List<Path> clones = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            forge(tmp, "clone", url, "c" + i).ok();
            Path c = tmp.resolve("c" + i);
            Files.write(c.resolve("shot-" + i + ".bin"), random(10 + i, 1_500_000));
            forge(c, "add", ".").ok();
            forge(c, "commit", "-m", "shot " + i).ok();
            clones.add(c);
        }
        List<ForgeProcess.Started> running = new ArrayList<>();
        for (Path c : clones) running.add(ForgeProcess.start(c, List.of("push"), creds));
        int[] codes = new int[2];
        String[] errors = new String[2];
        for (int i = 0; i < 2; i++) {
            ForgeProcess.Started s = running.get(i);
            assertTrue(s.process().waitFor(5, TimeUnit.MINUTES), "push " + i + " hangs");
            codes[i] = s.process().exitValue();
            errors[i] = s.readStderr();
            s.cleanup();
        }
        int winner = codes[0] == 0 ? 0 : 1;
        int loser = 1 - winner;
        assertEquals(0, codes[winner], () -> Arrays.toString(codes) + " " + Arrays.toString(errors));
        assertEquals(
                8,
                codes[loser],
                () -> "the losing push must exit 8 (non-fast-forward): " + Arrays.toString(codes) + " "
                        + Arrays.toString(errors));
        assertEquals(1, errors[loser].strip().lines().count(), errors[loser]);
        assertTrue(errors[loser].startsWith("forge: ") && errors[loser].contains("pull"), errors[loser]);
        assertFalse(errors[loser].contains("Exception"), errors[loser]);

        forge(tmp, "clone", url, "check").ok();
        assertEquals(
                -1,
                Files.mismatch(
                        clones.get(winner).resolve("shot-" + winner + ".bin"),
                        tmp.resolve("check/shot-" + winner + ".bin")));
        assertFalse(Files.exists(tmp.resolve("check/shot-" + loser + ".bin")));
        // The loser lost nothing: its commit is still there, and pull says what to do.
        ForgeProcess.Result pull = forge(clones.get(loser), "pull").expect(8).oneLineError();
        assertTrue(pull.stderr().contains("merge"), pull::describe);
        assertTrue(Files.exists(clones.get(loser).resolve("shot-" + loser + ".bin")));
        assertEquals(
                "shot " + loser,
                json(forge(clones.get(loser), "log", "-n", "1", "--json").ok())
                        .get(0)
                        .path("message")
                        .asText());
    }

    @Test
    void errorsAreOneLineWithTheirExitCodes(@TempDir Path tmp) throws Exception {
        Path w = Files.createDirectories(tmp.resolve("w"));
        Files.writeString(w.resolve("a.txt"), "a\n");
        forge(w, "init").ok();
        forge(w, "add", ".").ok();
        forge(w, "commit", "-m", "a").ok();
        forge(w, "push").expect(4).oneLineError();
        forge(w, "remote", "add", "origin", "ftp://host/x").expect(2).oneLineError();
        forge(w, "remote", "add", "origin", "s3://KEY:SECRET@bucket/x")
                .expect(2)
                .oneLineError();
        forge(
                        w,
                        "remote",
                        "add",
                        "nowhere",
                        "s3://missing-bucket/x?endpoint=" + S3.server().endpoint() + "&path-style=true")
                .ok();
        ForgeProcess.Result r = forge(w, "push", "nowhere").expect(10).oneLineError();
        assertTrue(r.stderr().contains("missing-bucket"), r::describe);
        forge(tmp, "clone", tmp.resolve("no-remote-here").toString(), "x")
                .expect(4)
                .oneLineError();
        assertFalse(Files.exists(tmp.resolve("x")), "a failed clone leaves nothing behind");
        JsonNode list = json(forge(w, "remote", "list", "--json").ok());
        assertEquals("nowhere", list.get(0).path("name").asText(), list::toString);
        forge(w, "remote", "remove", "nowhere").ok();
    }

    @Test
    void sparseCloneThenWiden(@TempDir Path tmp) throws Exception {
        Path w = Files.createDirectories(tmp.resolve("w"));
        Files.createDirectories(w.resolve("shots"));
        Files.createDirectories(w.resolve("audio"));
        Files.write(w.resolve("shots/plate.bin"), random(1, 1_000_000));
        Files.write(w.resolve("audio/mix.bin"), random(2, 4_000_000));
        forge(w, "init").ok();
        forge(w, "add", ".").ok();
        forge(w, "commit", "-m", "v1").ok();
        forge(w, "remote", "add", "origin", s3Url("sparse")).ok();
        forge(w, "push").ok();
        JsonNode c = json(forge(tmp, "clone", s3Url("sparse"), "s", "--sparse", "shots", "--json")
                .ok());
        Path s = tmp.resolve("s");
        assertTrue(c.path("bytesReceived").asLong() < 1_500_000, c::toString);
        assertTrue(Files.exists(s.resolve("shots/plate.bin")) && !Files.exists(s.resolve("audio/mix.bin")));
        assertTrue(json(forge(s, "status", "--json").ok()).path("clean").asBoolean());
        forge(s, "fsck").ok();
        assertEquals(
                "shots",
                json(forge(s, "sparse", "list", "--json").ok())
                        .path("paths")
                        .get(0)
                        .asText());
        forge(s, "sparse", "add", "audio").ok();
        assertEquals(-1, Files.mismatch(w.resolve("audio/mix.bin"), s.resolve("audio/mix.bin")));
        assertTrue(json(forge(s, "status", "--json").ok()).path("clean").asBoolean());
    }

    /**
     * A sparse clone fetches lazily: every command that reads a file it never fetched (checkout --into,
     * show, restore, diff) downloads exactly that file's contents from origin and goes on. With origin
     * unreachable that is exit 10 naming the file; with no origin at all, exit 4 naming the file and the
     * command that fetches it, before anything is written. Checkout of another commit skips the files
     * outside the sparse paths; after {@code sparse add} the older commits' versions are there too.
     */
    @Test
    void sparseCloneFetchesLazilyWhatItNeverFetched(@TempDir Path tmp) throws Exception {
        Path w = Files.createDirectories(tmp.resolve("w"));
        Files.createDirectories(w.resolve("shots"));
        Files.createDirectories(w.resolve("audio"));
        byte[] plate1 = random(11, 300_000);
        byte[] mix1 = random(12, 2_000_000);
        Files.write(w.resolve("shots/plate.bin"), plate1);
        Files.write(w.resolve("audio/mix.bin"), mix1);
        Files.writeString(w.resolve("audio/notes.txt"), "take 1\n");
        forge(w, "init").ok();
        forge(w, "add", ".").ok();
        forge(w, "commit", "-m", "v1").ok();
        byte[] mix2 = random(22, 2_000_000);
        Files.write(w.resolve("shots/plate.bin"), random(21, 300_000));
        Files.write(w.resolve("audio/mix.bin"), mix2);
        Files.writeString(w.resolve("audio/notes.txt"), "take 2\n");
        forge(w, "add", ".").ok();
        forge(w, "commit", "-m", "v2").ok();
        Path remote = tmp.resolve("remote");
        String url = remote.toUri().toString();
        forge(w, "remote", "add", "origin", url).ok();
        forge(w, "push").ok();
        forge(tmp, "clone", url, "s", "--sparse", "shots").ok();
        Path s = tmp.resolve("s");

        // Origin unreachable: exit 10 naming the file, nothing written.
        Files.move(remote, tmp.resolve("remote-away"));
        ForgeProcess.Result away =
                forge(s, "checkout", "HEAD~1", "--into", "../old").expect(10).oneLineError();
        assertTrue(away.stderr().contains("audio/mix.bin") && away.stderr().contains("origin"), away::describe);
        assertFalse(Files.exists(tmp.resolve("old")), "nothing is created when the fetch fails");
        Files.move(tmp.resolve("remote-away"), remote);

        // Lazy fetch: each command gets exactly what it reads.
        forge(s, "checkout", "HEAD~1", "--into", "../old").ok();
        assertEquals(-1, Arrays.mismatch(mix1, Files.readAllBytes(tmp.resolve("old/audio/mix.bin"))));
        assertEquals("take 1\n", Files.readString(tmp.resolve("old/audio/notes.txt")));
        assertEquals(
                -1,
                Arrays.mismatch(
                        mix2, forge(s, "show", "HEAD:audio/mix.bin").ok().stdoutBytes()));
        assertEquals(
                -1,
                Arrays.mismatch(
                        plate1, forge(s, "show", "HEAD~1:shots/plate.bin").ok().stdoutBytes()));
        String stat = forge(s, "diff", "HEAD~1", "HEAD", "--stat").ok().stdout();
        assertTrue(stat.contains("audio/notes.txt"), stat);
        forge(s, "fsck").ok();

        // Moving the work tree skips what is outside the sparse paths.
        forge(s, "checkout", "HEAD~1").ok();
        assertEquals(-1, Arrays.mismatch(plate1, Files.readAllBytes(s.resolve("shots/plate.bin"))));
        assertFalse(Files.exists(s.resolve("audio")));
        assertTrue(json(forge(s, "status", "--json").ok()).path("clean").asBoolean());
        forge(s, "checkout", "main").ok();

        // No origin to fetch from: exit 4, naming the file and the command that fetches it.
        forge(tmp, "clone", url, "t", "--sparse", "shots").ok();
        Path t = tmp.resolve("t");
        // prefetch downloads ahead of need: afterwards show reads local disk, origin or not.
        JsonNode pre = json(forge(t, "prefetch", "audio", "--json").ok());
        assertEquals(2, pre.path("files").asInt(), pre::toString);
        assertTrue(pre.path("bytesReceived").asLong() > 2_000_000, pre::toString);
        assertFalse(Files.exists(t.resolve("audio")), "prefetch writes nothing into the work tree");
        Files.move(remote, tmp.resolve("remote-away"));
        assertEquals(
                -1,
                Arrays.mismatch(
                        mix2, forge(t, "show", "HEAD:audio/mix.bin").ok().stdoutBytes()));
        Files.move(tmp.resolve("remote-away"), remote);
        forge(t, "remote", "remove", "origin").ok();
        ForgeProcess.Result show =
                forge(t, "show", "HEAD~1:audio/mix.bin").expect(4).oneLineError();
        assertTrue(
                show.stderr().contains("'audio/mix.bin'") && show.stderr().contains("forge sparse add audio/mix.bin"),
                show::describe);
        assertEquals(0, show.stdoutBytes().length, show::describe);
        ForgeProcess.Result restore =
                forge(t, "restore", "--source", "HEAD~1", "audio").expect(4).oneLineError();
        assertTrue(restore.stderr().contains("audio/mix.bin"), restore::describe);
        assertFalse(Files.exists(t.resolve("audio")), "restore wrote nothing");

        // sparse add fetches the paths' history too, so older commits read back whole.
        forge(s, "sparse", "add", "audio").ok();
        forge(s, "checkout", "HEAD~1", "--into", "../old2").ok();
        assertEquals(-1, Arrays.mismatch(mix1, Files.readAllBytes(tmp.resolve("old2/audio/mix.bin"))));
        assertEquals(-1, Files.mismatch(w.resolve("audio/mix.bin"), s.resolve("audio/mix.bin")));
        forge(s, "fsck").ok();
    }

    static byte[] random(long seed, int n) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }
}
