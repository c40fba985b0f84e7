package dev.forge.mirror;

import static dev.forge.mirror.RemoteProtocolContract.P;
import static dev.forge.mirror.RemoteProtocolContract.addRemote;
import static dev.forge.mirror.RemoteProtocolContract.assertSameFiles;
import static dev.forge.mirror.RemoteProtocolContract.commit;
import static dev.forge.mirror.RemoteProtocolContract.init;
import static dev.forge.mirror.RemoteProtocolContract.random;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forge.core.error.IntegrityException;
import dev.forge.core.model.ObjectId;
import dev.forge.core.repo.Repository;
import dev.forge.mirror.crypt.KeySource;
import dev.forge.mirror.youtube.FakeYouTube;
import dev.forge.mirror.youtube.UploadRecord;
import dev.forge.mirror.youtube.YouTubeMirror;
import dev.forge.mirror.youtube.YouTubeRestore;
import dev.forge.mirror.youtube.YouTubeUploader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The YouTube mirror without ffmpeg (the payload is the "video"; the codec has its own tests and YouTubeIT runs
 * it): staging, batching, the quota and the per-day limit leaving packs pending, the upload record, and restore
 * into an empty repository and into the one that uploaded.
 */
class YouTubeMirrorTest {
    @TempDir
    Path tmp;

    FakeYouTube yt;
    final List<String> notices = new ArrayList<>();
    RemoteOptions options;

    static final YouTubeMirror.VideoWriter RAW = (payload, out) -> Files.write(out, payload);
    static final YouTubeRestore.VideoReader RAW_READ = f -> {
        try {
            return new YouTubeRestore.Read(Files.readAllBytes(f), 0);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    };

    @BeforeEach
    void start() throws Exception {
        yt = FakeYouTube.start("tok", null);
        options = RemoteOptions.defaults()
                .withParallelism(2)
                .withKeys(new KeySource(null, Map.of(), tmp.resolve("alice"), notices::add), true);
    }

    @AfterEach
    void stop() {
        yt.close();
    }

    Remote open(Repository repo, String name) {
        return Remote.open(name, RemoteUrl.parse(repo.remotes().get(name), tmp), repo.forgeDir(), options);
    }

    YouTubeUploader uploader() {
        return new YouTubeUploader(yt.api(), () -> Optional.of("tok"), null, 3, Duration.ZERO, d -> {});
    }

    Repository project(String query) throws Exception {
        Path a = tmp.resolve("a");
        Files.createDirectories(a.resolve("shots"));
        for (int i = 0; i < 4; i++) Files.write(a.resolve("shots/take" + i + ".bin"), random(10 + i, 150_000));
        Files.writeString(a.resolve("notes.txt"), "the butler did it\n".repeat(200));
        Repository repo = init(a);
        commit(repo, "first");
        addRemote(repo, tmp.resolve("origin").toString());
        new Mirrors(repo).add("yt", "youtube://film?api=" + yt.api() + query, null, List.of(), tmp);
        try (Remote r = open(repo, "yt")) {
            ObjectId tip = repo.ref("refs/heads/main").orElseThrow();
            new Push(repo, r).asMirror(Route.ALL).packSize(100_000).run("main", tip, "main", P);
        }
        return repo;
    }

    YouTubeMirror.Result upload(Repository repo, Clock clock) throws Exception {
        try (Remote r = open(repo, "yt")) {
            return YouTubeMirror.upload(r, r.youtube().orElseThrow(), uploader(), RAW, clock);
        }
    }

    static List<Path> storedFiles(Path root) throws Exception {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).toList();
        }
    }

    @Test
    void batchesFillVideosInOrderAndStopAtTheVideoLimit() {
        var p = List.of(
                new YouTubeMirror.Pack("a", 40),
                new YouTubeMirror.Pack("b", 50),
                new YouTubeMirror.Pack("c", 30),
                new YouTubeMirror.Pack("d", 200),
                new YouTubeMirror.Pack("e", 10));
        var all = YouTubeMirror.batches(p, 100, 10);
        assertEquals(
                List.of(List.of("a", "b"), List.of("c"), List.of("d"), List.of("e")),
                all.stream()
                        .map(b -> b.stream().map(YouTubeMirror.Pack::name).toList())
                        .toList());
        assertEquals(2, YouTubeMirror.batches(p, 100, 2).size());
        assertEquals(List.of(), YouTubeMirror.batches(p, 100, 0));
    }

    @Test
    void quotaLeavesPacksPendingThenTheNextSyncUploadsThemAndRestoreRebuildsEveryByte() throws Exception {
        Clock clock = Clock.systemUTC();
        try (Repository repo = project("&videoBytes=200000")) {
            Path store = YouTubeMirror.store(repo.forgeDir().resolve("remotes/yt"));
            // Staged encrypted: no plaintext name or content in the staging store.
            for (Path f : storedFiles(store)) {
                String text = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                assertFalse(text.contains("butler") || f.toString().contains("take"), f.toString());
            }
            yt.quotaAfter(1);
            YouTubeMirror.Result first = upload(repo, clock);
            assertEquals(1, first.videoIds().size());
            assertTrue(first.packsPending() > 0, first.toString());
            assertTrue(first.stopped().contains("quotaExceeded"), first.stopped());
            try (Remote r = open(repo, "yt")) {
                YouTubeMirror.Status s = YouTubeMirror.status(r);
                assertEquals(1, s.videos());
                assertEquals(first.packsPending(), s.packsPending());
                assertEquals(first.packsUploaded(), s.packsUploaded());
            }

            yt.quotaAfter(Integer.MAX_VALUE);
            YouTubeMirror.Result second = upload(repo, clock);
            assertTrue(second.videoIds().size() >= 2, "200 kB videos for about 700 kB of packs: " + second);
            assertEquals(0, second.packsPending());
            assertNull(second.stopped());
            assertEquals(first.packsPending(), second.packsUploaded());
            assertEquals(1 + second.videoIds().size(), yt.videos().size());
            // Each title names the mirror and batch; privacy is unlisted by default; no pack id in the text.
            for (var v : yt.videos()) {
                assertTrue(v.resource().path("snippet").path("title").asText().startsWith("Forge mirror film #"));
                assertEquals(
                        "unlisted",
                        v.resource().path("status").path("privacyStatus").asText());
                assertFalse(v.resource().toString().contains("packs/"));
            }
            UploadRecord rec =
                    UploadRecord.read(YouTubeMirror.recordFile(repo.forgeDir().resolve("remotes/yt")));
            assertEquals(yt.videos().size(), rec.videos().size());
            assertEquals(
                    yt.videos().stream().map(FakeYouTube.Video::id).toList(),
                    rec.videos().stream().map(UploadRecord.Video::videoId).toList());
            // Uploaded pack bodies left the staging store; their indexes stay.
            assertTrue(storedFiles(store).stream().noneMatch(f -> f.toString().endsWith(".pack")));
            assertEquals(0, upload(repo, clock).videoIds().size());
            // A branch made on an uploaded commit: no pack is new, the refs are; one video carries them.
            try (Remote r = open(repo, "yt")) {
                ObjectId tip = repo.ref("refs/heads/main").orElseThrow();
                new Push(repo, r).asMirror(Route.ALL).run("feature", tip, "feature", P);
            }
            YouTubeMirror.Result refsOnly = upload(repo, clock);
            assertEquals(1, refsOnly.videoIds().size());
            assertEquals(0, refsOnly.packsUploaded());
            assertEquals(0, upload(repo, clock).videoIds().size());
            rec = UploadRecord.read(YouTubeMirror.recordFile(repo.forgeDir().resolve("remotes/yt")));

            Path downloads = tmp.resolve("downloads");
            List<Path> files = yt.download(downloads);

            // Into an empty repository, from the videos alone (and the key).
            try (Repository b = init(tmp.resolve("b"))) {
                YouTubeRestore.Result r = new YouTubeRestore(b, n -> open(b, n), tmp, RAW_READ).run("yt", downloads, P);
                assertEquals(List.of(), r.missing());
                assertNull(r.fetchError());
                assertEquals("main", r.checkedOut());
                assertEquals(rec.packs().size(), r.packsRestored());
                assertEquals(repo.ref("refs/heads/main"), b.ref("refs/heads/main"));
                assertEquals(repo.ref("refs/heads/main"), b.ref("refs/heads/feature"));
                assertSameFiles(tmp.resolve("a"), tmp.resolve("b"));
                assertTrue(b.remotes().get("yt").startsWith("youtube://film"));
            }

            // In the uploading repository, with one video lost: its batch is listed as missing.
            // (the last video holds only refs; the one before it the newest packs)
            Files.delete(files.get(files.size() - 2));
            // Into an empty repository without that video: no branch, but the packs found are imported.
            try (Repository c = init(tmp.resolve("c"))) {
                YouTubeRestore.Result r = new YouTubeRestore(c, n -> open(c, n), tmp, RAW_READ).run("yt", downloads, P);
                assertTrue(r.fetchError() != null, r.toString());
                assertNull(r.checkedOut());
                assertTrue(r.objectsSalvaged() > 0, r.toString());
                assertFalse(r.missing().isEmpty(), r.toString());
                assertTrue(c.ref("refs/heads/main").isEmpty());
            }
            Files.write(downloads.resolve("junk.mp4"), random(99, 5000));
            YouTubeRestore.Result partial =
                    new YouTubeRestore(repo, n -> open(repo, n), tmp, RAW_READ).run("yt", downloads, P);
            assertTrue(partial.missing().stream()
                    .anyMatch(m -> m.startsWith(
                            "video " + yt.videos().get(files.size() - 2).id())));
            assertTrue(partial.videos().stream().anyMatch(v -> v.file().equals("junk.mp4") && !v.ok()));
        }
    }

    @Test
    void thePerDayLimitKeepsTheRestForTheNextDay() throws Exception {
        Instant t0 = Instant.parse("2026-12-07T10:00:00Z");
        try (Repository repo = project("&videoBytes=200000&perDay=1")) {
            YouTubeMirror.Result a = upload(repo, Clock.fixed(t0, ZoneOffset.UTC));
            assertEquals(1, a.videoIds().size());
            assertTrue(a.stopped().contains("1 videos a day"), a.stopped());
            YouTubeMirror.Result b = upload(repo, Clock.fixed(t0.plusSeconds(3600), ZoneOffset.UTC));
            assertEquals(0, b.videoIds().size());
            assertEquals(a.packsPending(), b.packsPending());
            YouTubeMirror.Result c = upload(repo, Clock.fixed(t0.plus(Duration.ofHours(25)), ZoneOffset.UTC));
            assertEquals(1, c.videoIds().size());
        }
    }

    @Test
    void urlsParseTheirOptionsAndAYouTubeMirrorIsNeverReadBack() throws Exception {
        var u = (RemoteUrl.YouTube) RemoteUrl.parse("youtube://studio-backup", tmp);
        assertEquals("studio-backup", u.label());
        assertEquals("unlisted", u.privacy());
        assertEquals(RemoteUrl.YouTube.DEFAULT_API, u.api());
        assertEquals(RemoteUrl.YouTube.DEFAULT_PER_DAY, u.perDay());
        var p = (RemoteUrl.YouTube)
                RemoteUrl.parse("youtube://b?privacy=private&perDay=5&videoBytes=1000&api=http://127.0.0.1:9/", tmp);
        assertEquals("private", p.privacy());
        assertEquals(5, p.perDay());
        assertEquals(1000, p.videoBytes());
        assertEquals("http://127.0.0.1:9", p.api());
        for (String bad : List.of(
                "youtube://",
                "youtube://a b",
                "youtube://x?privacy=public",
                "youtube://x?perDay=0",
                "youtube://x?q=1")) {
            assertThrows(dev.forge.core.error.InvalidInputException.class, () -> RemoteUrl.parse(bad, tmp), bad);
        }
        try (Repository repo = project("")) {
            try (Remote r = open(repo, "yt")) {
                var e = assertThrows(dev.forge.core.error.InvalidInputException.class, () -> new Fetch(repo, r).run(P));
                assertTrue(e.getMessage().contains("forge mirror restore yt"), e.getMessage());
            }
            try (Remote r = open(repo, "yt")) {
                var e = assertThrows(
                        dev.forge.core.error.InvalidInputException.class,
                        () -> new Push(repo, r).run("main", "main", P));
                assertTrue(e.getMessage().contains("only a mirror uploads to YouTube"), e.getMessage());
            }
            assertThrows(
                    dev.forge.core.error.InvalidInputException.class,
                    () -> new Clone(RemoteProtocolContract.STORES)
                            .run("youtube://film", tmp, tmp.resolve("c"), null, P));
        }
    }

    @Test
    void aFolderWithNoUsableVideoIsAnIntegrityError() throws Exception {
        Path dir = tmp.resolve("d");
        Files.createDirectories(dir);
        Files.write(dir.resolve("x.mp4"), random(1, 1000));
        try (Repository b = init(tmp.resolve("b"))) {
            IntegrityException e = assertThrows(
                    IntegrityException.class,
                    () -> new YouTubeRestore(b, n -> open(b, n), tmp, RAW_READ).run("yt", dir, P));
            assertTrue(e.getMessage().contains("x.mp4"), e.getMessage());
            assertFalse(b.remotes().containsKey("yt"));
        }
    }
}
