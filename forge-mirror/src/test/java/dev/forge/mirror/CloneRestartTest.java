package dev.forge.mirror;

import static dev.forge.mirror.RemoteProtocolContract.STORES;
import static dev.forge.mirror.RemoteProtocolContract.addRemote;
import static dev.forge.mirror.RemoteProtocolContract.cloneTo;
import static dev.forge.mirror.RemoteProtocolContract.commit;
import static dev.forge.mirror.RemoteProtocolContract.init;
import static dev.forge.mirror.RemoteProtocolContract.push;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forge.core.error.WouldOverwriteException;
import dev.forge.core.port.RepoConfig;
import dev.forge.core.repo.Repository;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a killed clone leaves, at each stage, is recognised by the same clone run again, which starts
 * over before the repository exists and continues it after (ResumeIT measures that nothing is
 * downloaded twice); anything else in the folder still makes a clone refuse (exit 6), and every other
 * command refuses an unfinished clone. RemoteSafetyIT kills real clone processes.
 */
class CloneRestartTest {
    @TempDir
    Path tmp;

    Path remote;
    String url;
    Path dir;

    @BeforeEach
    void remote() throws Exception {
        remote = tmp.resolve("remote");
        Path a = Files.createDirectories(tmp.resolve("a"));
        Files.writeString(a.resolve("f.txt"), "one\n");
        try (Repository repo = init(a)) {
            commit(repo, "v1");
            addRemote(repo, remote.toString());
            push(repo, "main");
        }
        url = RemoteUrl.parse(remote.toString(), tmp).text();
        dir = tmp.resolve("c");
    }

    String marker(String u) {
        return "forge clone in progress from " + u + "\n";
    }

    void assertCloned() throws Exception {
        assertEquals("one\n", Files.readString(dir.resolve("f.txt")));
        assertFalse(Files.exists(dir.resolve(Clone.MARKER)));
        assertFalse(Files.exists(dir.resolve(".forge").resolve(Clone.MARKER_IN_REPO)), "the marker goes at the end");
        try (var l = Files.list(dir)) {
            assertEquals(2, l.count(), "f.txt and .forge only");
        }
    }

    @Test
    void aCloneWritesItsFilesAsTheirChunksArrive() throws Exception {
        Clone.Result r = cloneTo(remote.toString(), dir);
        assertEquals(1, r.filesFromFetch(), "f.txt was written by the fetch, not read back by the checkout");
        assertCloned();
        try (var l = Files.list(dir.resolve(".forge/tmp"))) {
            assertEquals(0, l.count(), "nothing left in .forge/tmp");
        }
    }

    @Test
    void killedDuringRepositoryCreation() throws Exception {
        Files.createDirectories(dir.resolve(".forge-init-12345/index"));
        cloneTo(remote.toString(), dir);
        assertCloned();
    }

    @Test
    void killedRightAfterWritingTheMarker() throws Exception {
        Files.createDirectories(dir.resolve(".forge-init-12345"));
        Files.writeString(dir.resolve(Clone.MARKER), marker(url));
        cloneTo(remote.toString(), dir);
        assertCloned();
    }

    @Test
    void killedBeforeTheMarkerMovedIntoTheRepository() throws Exception {
        Repository.init(STORES, dir, RepoConfig.defaults()).close();
        Files.writeString(dir.resolve(Clone.MARKER), marker(url));
        cloneTo(remote.toString(), dir);
        assertCloned();
    }

    @Test
    void killedDuringFetchOrCheckout() throws Exception {
        Repository.init(STORES, dir, RepoConfig.defaults()).close();
        Files.writeString(dir.resolve(".forge").resolve(Clone.MARKER_IN_REPO), marker(url));
        Files.writeString(dir.resolve("f.txt"), "half");
        Files.writeString(dir.resolve(Clone.MARKER), "a tracked file of that name, half written");
        cloneTo(remote.toString(), dir);
        assertCloned();
    }

    @Test
    void otherCommandsRefuseAnUnfinishedCloneNamingTheCommandThatFinishesIt() throws Exception {
        Repository.init(STORES, dir, RepoConfig.defaults()).close();
        Files.writeString(dir.resolve(".forge").resolve(Clone.MARKER_IN_REPO), marker(url));
        var e = assertThrows(dev.forge.core.error.NotARepositoryException.class, () -> Repository.open(STORES, dir));
        assertTrue(e.getMessage().contains("unfinished clone of " + url), e.getMessage());
        assertTrue(e.getMessage().contains("forge clone " + url + " " + dir), e.getMessage());
        cloneTo(remote.toString(), dir);
        assertCloned();
        Repository.open(STORES, dir).close();
    }

    @Test
    void killedAfterItsOperationCommittedBeforeTheMarkerWent() throws Exception {
        cloneTo(remote.toString(), dir);
        Files.writeString(dir.resolve(".forge").resolve(Clone.MARKER_IN_REPO), marker(url));
        Clone.Result r = cloneTo(remote.toString(), dir);
        assertTrue(r.resumed());
        assertCloned();
    }

    @Test
    void anythingElseIsRefused() throws Exception {
        // An interrupted clone of another URL.
        Repository.init(STORES, dir, RepoConfig.defaults()).close();
        Files.writeString(dir.resolve(".forge").resolve(Clone.MARKER_IN_REPO), marker("file:///elsewhere/"));
        var other = assertThrows(WouldOverwriteException.class, () -> cloneTo(remote.toString(), dir));
        assertTrue(other.getMessage().contains("file:///elsewhere/"), other.getMessage());
        assertTrue(Files.exists(dir.resolve(".forge")), "nothing was removed");

        // A marker at the top beside files that are not a clone's.
        Path d2 = Files.createDirectories(tmp.resolve("d2"));
        Files.writeString(d2.resolve(Clone.MARKER), marker(url));
        Files.writeString(d2.resolve("mine.txt"), "mine");
        assertThrows(WouldOverwriteException.class, () -> cloneTo(remote.toString(), d2));
        assertEquals("mine", Files.readString(d2.resolve("mine.txt")));

        // A finished clone.
        Path d3 = tmp.resolve("d3");
        cloneTo(remote.toString(), d3);
        var done = assertThrows(WouldOverwriteException.class, () -> cloneTo(remote.toString(), d3));
        assertTrue(done.getMessage().contains("not empty"), done.getMessage());
    }
}
