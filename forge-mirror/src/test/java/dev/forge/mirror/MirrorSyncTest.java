package dev.forge.mirror;

import static dev.forge.mirror.RemoteProtocolContract.P;
import static dev.forge.mirror.RemoteProtocolContract.addRemote;
import static dev.forge.mirror.RemoteProtocolContract.assertSameFiles;
import static dev.forge.mirror.RemoteProtocolContract.cloneTo;
import static dev.forge.mirror.RemoteProtocolContract.commit;
import static dev.forge.mirror.RemoteProtocolContract.init;
import static dev.forge.mirror.RemoteProtocolContract.push;
import static dev.forge.mirror.RemoteProtocolContract.random;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forge.core.error.InvalidInputException;
import dev.forge.core.model.ChunkList;
import dev.forge.core.model.ObjectId;
import dev.forge.core.model.ObjectType;
import dev.forge.core.port.StageEntry;
import dev.forge.core.repo.Repository;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Mirrors: routing by media category and glob, sync after a push, status, verify, and failure isolation. */
class MirrorSyncTest {
    @TempDir
    Path tmp;

    private Repository project() throws IOException {
        Path dir = tmp.resolve("project");
        Files.createDirectories(dir.resolve("shots"));
        // Real signatures at the start, random bytes after: categories come from the magic bytes.
        Files.write(dir.resolve("shots/clip.mov"), withHead(mp4Head(), random(1, 2_500_000)));
        Files.write(dir.resolve("shots/frame.png"), withHead(pngHead(), random(2, 900_000)));
        Files.write(dir.resolve("shots/take.wav"), withHead(wavHead(), random(3, 700_000)));
        Files.write(dir.resolve("shots/plate.exr"), random(4, 600_000)); // no known magic: by extension
        Files.writeString(dir.resolve("notes.txt"), "shot notes\n".repeat(3000));
        Repository repo = init(dir);
        commit(repo, "first");
        addRemote(repo, tmp.resolve("origin").toString());
        return repo;
    }

    private static byte[] withHead(byte[] head, byte[] body) {
        System.arraycopy(head, 0, body, 0, head.length);
        return body;
    }

    private static byte[] mp4Head() {
        return new byte[] {0, 0, 0, 0x18, 'f', 't', 'y', 'p', 'i', 's', 'o', 'm', 0, 0, 2, 0};
    }

    private static byte[] pngHead() {
        return new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
    }

    private static byte[] wavHead() {
        return "RIFF\0\0\0\0WAVEfmt ".getBytes(StandardCharsets.ISO_8859_1);
    }

    private Mirrors.Mirror addMirror(Repository repo, String name, String... only) {
        return new Mirrors(repo).add(name, tmp.resolve(name).toString(), null, List.of(only), tmp);
    }

    private List<MirrorSync.Report> syncAfterPush(Repository repo) {
        Push.Result r = push(repo, "main");
        return new MirrorSync(repo, n -> new Remotes(repo).open(n, 4))
                .sync(new Mirrors(repo).of("origin"), Map.of("main", r.commit()));
    }

    private MirrorCheck check(Repository repo) {
        return new MirrorCheck(repo, n -> new Remotes(repo).open(n, 4));
    }

    /** The paths whose every chunk mirror {@code name}'s pack indexes list. */
    private Set<String> pathsHeld(Repository repo, String name) {
        Set<String> out = new TreeSet<>();
        try (Remote r = new Remotes(repo).open(name, 4)) {
            RemoteIndex index = r.indexCache().sync().index();
            ObjectId tree = repo.objects().commit(repo.resolve("HEAD")).tree();
            for (Map.Entry<String, StageEntry> f : repo.objects().files(tree).entrySet()) {
                var c = f.getValue().content();
                List<ObjectId> chunks = new ArrayList<>();
                if (c.type() == ObjectType.LIST) {
                    assertTrue(index.contains(c.id()), "every mirror has every chunk list: " + f.getKey());
                    for (ChunkList.ChunkRef ch : repo.objects().list(c.id()).chunks()) chunks.add(ch.id());
                } else {
                    chunks.add(c.id());
                }
                if (chunks.stream().allMatch(index::contains)) out.add(f.getKey());
            }
        }
        return out;
    }

    @Test
    void aFullMirrorFollowsThePushAndClonesByteForByte() throws IOException {
        try (Repository repo = project()) {
            addMirror(repo, "backup");
            List<MirrorSync.Report> reports = syncAfterPush(repo);
            assertEquals(1, reports.size());
            assertTrue(
                    reports.getFirst().ok(), String.valueOf(reports.getFirst().error()));
            assertFalse(reports.getFirst().branches().getFirst().upToDate());
            assertTrue(
                    reports.getFirst().bytesSent() > 4_500_000,
                    "sent " + reports.getFirst().bytesSent());

            Path copy = tmp.resolve("from-mirror");
            cloneTo(tmp.resolve("backup").toString(), copy);
            assertSameFiles(repo.root(), copy);

            var status = check(repo)
                    .status(
                            new Mirrors(repo).list().get("backup"),
                            MirrorSync.source(repo, new Mirrors(repo).list().get("backup")));
            assertTrue(status.upToDate(), String.valueOf(status));
            var verified = check(repo)
                    .verify(
                            repo.resolve("HEAD"),
                            List.copyOf(new Mirrors(repo).list().values()));
            assertTrue(verified.complete(), verified.toString());
            assertEquals(5, verified.files());

            // Nothing new: the next sync sends nothing and says so.
            MirrorSync.Report again = syncAfterPush(repo).getFirst();
            assertTrue(again.branches().getFirst().upToDate());
        }
    }

    @Test
    void partialMirrorsTakeOnlyTheirRoutesContentsAndTogetherVerifyComplete() throws IOException {
        try (Repository repo = project()) {
            addMirror(repo, "video", "video");
            addMirror(repo, "pictures", "image", "*.txt");
            List<MirrorSync.Report> reports = syncAfterPush(repo);
            reports.forEach(r -> assertTrue(r.ok(), r.mirror() + ": " + r.error()));

            assertEquals(Set.of("shots/clip.mov"), pathsHeld(repo, "video"));
            // PNG by its signature, EXR by its extension, notes.txt by the glob.
            assertEquals(Set.of("notes.txt", "shots/frame.png", "shots/plate.exr"), pathsHeld(repo, "pictures"));

            var mirrors = List.copyOf(new Mirrors(repo).list().values());
            var verified = check(repo).verify(repo.resolve("HEAD"), mirrors);
            assertFalse(verified.complete());
            assertEquals(Set.of("shots/take.wav"), verified.missingPaths().keySet());
            assertEquals(0, verified.metadataMissing(), "commits, trees and lists go to every mirror");

            addMirror(repo, "sound", "audio");
            reports = new MirrorSync(repo, n -> new Remotes(repo).open(n, 4))
                    .syncAll(List.of(new Mirrors(repo).list().get("sound")));
            assertTrue(reports.getFirst().ok(), reports.getFirst().error());
            verified = check(repo)
                    .verify(
                            repo.resolve("HEAD"),
                            List.copyOf(new Mirrors(repo).list().values()));
            assertTrue(verified.complete(), verified.toString());
        }
    }

    @Test
    void aWiderRouteReachesOldCommitsOnlyWithFull() throws IOException {
        try (Repository repo = project()) {
            addMirror(repo, "m", "video");
            syncAfterPush(repo);
            Files.writeString(repo.root().resolve("notes.txt"), "changed\n");
            commit(repo, "second");
            syncAfterPush(repo);
            // The route widens: re-added with images too.
            new Mirrors(repo).remove("m");
            addMirror(repo, "m", "video", "image");
            MirrorSync sync = new MirrorSync(repo, n -> new Remotes(repo).open(n, 4));
            sync.syncAll(List.of(new Mirrors(repo).list().get("m")));
            assertEquals(Set.of("shots/clip.mov"), pathsHeld(repo, "m"), "no new commit: nothing walked");
            sync.full(true).syncAll(List.of(new Mirrors(repo).list().get("m")));
            assertEquals(Set.of("shots/clip.mov", "shots/frame.png", "shots/plate.exr"), pathsHeld(repo, "m"));
        }
    }

    @Test
    void aFailingMirrorIsReportedAndTheOthersAreStillUpdated() throws IOException {
        try (Repository repo = project()) {
            // A plain-HTTP URL is read-only: the push to it is refused before anything is sent.
            new Mirrors(repo).add("broken", "http://127.0.0.1:9/nothing", null, List.of(), tmp);
            addMirror(repo, "good");
            List<MirrorSync.Report> reports = syncAfterPush(repo);
            MirrorSync.Report broken = reports.stream()
                    .filter(r -> r.mirror().equals("broken"))
                    .findFirst()
                    .orElseThrow();
            MirrorSync.Report good = reports.stream()
                    .filter(r -> r.mirror().equals("good"))
                    .findFirst()
                    .orElseThrow();
            assertFalse(broken.ok());
            assertTrue(broken.error().contains("read-only"), broken.error());
            assertTrue(good.ok(), good.error());
            cloneTo(tmp.resolve("good").toString(), tmp.resolve("c"));
            assertSameFiles(repo.root(), tmp.resolve("c"));
        }
    }

    @Test
    void statusNamesMissingCommitsAndKeepsBranchesDeletedAtTheSource() throws IOException {
        try (Repository repo = project()) {
            Mirrors.Mirror m = addMirror(repo, "backup");
            syncAfterPush(repo);
            repo.begin("test").setRef("refs/heads/wip", repo.resolve("HEAD")).commit();
            try (Remote r = new Remotes(repo).open("origin", 4)) {
                new Push(repo, r).run("wip", "wip", P);
            }
            new MirrorSync(repo, n -> new Remotes(repo).open(n, 4)).syncAll(List.of(m));
            // A new commit reaches origin only (as with 'forge push --no-mirrors').
            Files.writeString(repo.root().resolve("notes.txt"), "v2\n");
            ObjectId second = commit(repo, "second");
            push(repo, "main");
            try (Remote r = new Remotes(repo).open("origin", 4)) {
                new Push(repo, r).deleteBranch("wip");
            }
            MirrorCheck.Status s = check(repo).status(m, MirrorSync.source(repo, m));
            assertFalse(s.upToDate());
            var main = s.branches().stream()
                    .filter(b -> b.branch().equals("main"))
                    .findFirst()
                    .orElseThrow();
            assertEquals("behind", main.state());
            assertEquals(1, main.behind());
            assertEquals(List.of(second), main.missing());
            var wip = s.branches().stream()
                    .filter(b -> b.branch().equals("wip"))
                    .findFirst()
                    .orElseThrow();
            assertEquals("stale", wip.state());

            new MirrorSync(repo, n -> new Remotes(repo).open(n, 4)).syncAll(List.of(m));
            s = check(repo).status(m, MirrorSync.source(repo, m));
            assertTrue(s.upToDate(), s.toString());
            assertNotNull(
                    s.branches().stream()
                            .filter(b -> b.branch().equals("wip") && b.state().equals("stale"))
                            .findFirst()
                            .orElse(null),
                    "a branch deleted at the source stays on the mirror");
        }
    }

    @Test
    void aMirrorFollowsItsSourceEvenWhereThatIsNotAFastForward() throws IOException {
        try (Repository repo = project()) {
            Mirrors.Mirror m = addMirror(repo, "backup");
            ObjectId first = repo.resolve("HEAD");
            Files.writeString(repo.root().resolve("notes.txt"), "v2\n");
            ObjectId second = commit(repo, "second");
            MirrorSync sync = new MirrorSync(repo, n -> new Remotes(repo).open(n, 4));
            assertTrue(sync.sync(List.of(m), Map.of("main", second)).getFirst().ok());
            MirrorSync.Report back =
                    sync.sync(List.of(m), Map.of("main", first)).getFirst();
            assertTrue(back.ok(), back.error());
            try (Remote r = new Remotes(repo).open("backup", 4)) {
                assertEquals(first, r.refs().read("main").orElseThrow().commit());
            }
        }
    }

    @Test
    void badRoutesAndPrimariesAreRefusedBeforeAnythingIsWritten() throws IOException {
        try (Repository repo = project()) {
            assertThrows(InvalidInputException.class, () -> addMirror(repo, "m", "videos"));
            assertThrows(
                    dev.forge.core.error.NotFoundException.class,
                    () -> new Mirrors(repo).add("m", tmp.resolve("m").toString(), "nope", List.of(), tmp));
            assertTrue(new Mirrors(repo).list().isEmpty());
            assertFalse(repo.remotes().containsKey("m"));
            addMirror(repo, "m");
            assertThrows(
                    InvalidInputException.class,
                    () -> new Mirrors(repo).add("m2", tmp.resolve("m2").toString(), "m", List.of(), tmp));
            new Remotes(repo).remove("m");
            assertTrue(new Mirrors(repo).list().isEmpty(), "removing the remote removes its role");
        }
    }

    @Test
    void aFetchTakesWhatAPartialMirrorLacksFromTheOtherRemotes() throws IOException {
        try (Repository repo = project()) {
            addMirror(repo, "video", "video");
            syncAfterPush(repo);
            Path b = tmp.resolve("b");
            cloneTo(tmp.resolve("origin").toString(), b);
            // New content of every kind, pushed to origin and so to the video-only mirror.
            Files.write(repo.root().resolve("shots/frame.png"), withHead(pngHead(), random(12, 800_000)));
            Files.write(repo.root().resolve("shots/clip.mov"), withHead(mp4Head(), random(11, 1_200_000)));
            ObjectId second = commit(repo, "second");
            syncAfterPush(repo);
            try (Repository clone = Repository.open(RemoteProtocolContract.STORES, b)) {
                new Remotes(clone).add("video", tmp.resolve("video").toString(), b);
                try (Remote r = new Remotes(clone).open("video", 4)) {
                    Fetch fetch = new Fetch(clone, r);
                    fetch.run(P);
                    assertTrue(
                            fetch.fromOthers().getOrDefault("origin", 0L) > 0,
                            fetch.fromOthers().toString());
                }
                assertEquals(second, clone.ref("refs/remotes/video/main").orElseThrow());
                for (StageEntry f : clone.objects()
                        .files(clone.objects().commit(second).tree())
                        .values()) {
                    var c = f.content();
                    if (c.type() == ObjectType.LIST)
                        for (ChunkList.ChunkRef ch :
                                clone.objects().list(c.id()).chunks())
                            assertTrue(clone.objectStore().contains(ch.id()), f.path());
                    else assertTrue(clone.objectStore().contains(c.id()), f.path());
                }
            }
        }
    }

    @Test
    void aPackLostOnThePrimaryIsFetchedFromAFullMirror() throws IOException {
        try (Repository repo = project()) {
            addMirror(repo, "backup");
            syncAfterPush(repo);
            Path b = tmp.resolve("b");
            cloneTo(tmp.resolve("origin").toString(), b);
            Path packs = tmp.resolve("origin/packs");
            Set<Path> before;
            try (var files = Files.list(packs)) {
                before = files.collect(java.util.stream.Collectors.toSet());
            }
            Files.write(repo.root().resolve("shots/clip.mov"), withHead(mp4Head(), random(21, 1_500_000)));
            commit(repo, "second");
            syncAfterPush(repo);
            // origin loses the new data pack (and its index): a billing mistake, a bad lifecycle rule.
            Path biggest;
            try (var files = Files.list(packs)) {
                biggest = files.filter(f -> f.toString().endsWith(".pack") && !before.contains(f))
                        .max(java.util.Comparator.comparingLong(f -> f.toFile().length()))
                        .orElseThrow();
            }
            String id = biggest.getFileName().toString().replace(".pack", "");
            try (var files = Files.list(packs)) {
                for (Path f : files.filter(f -> f.getFileName().toString().startsWith(id))
                        .toList()) Files.delete(f);
            }
            try (Repository clone = Repository.open(RemoteProtocolContract.STORES, b)) {
                new Remotes(clone).add("backup", tmp.resolve("backup").toString(), b);
                try (Remote r = new Remotes(clone).open("origin", 4)) {
                    Fetch fetch = new Fetch(clone, r);
                    fetch.run(P);
                    assertTrue(
                            fetch.fromOthers().getOrDefault("backup", 0L) > 0,
                            fetch.fromOthers().toString());
                }
                try (Remote r = new Remotes(clone).open("origin", 4)) {
                    new Pull(clone, r).run(P);
                }
                assertSameFiles(repo.root(), b);
            }
        }
    }
}
