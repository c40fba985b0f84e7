package dev.forge.mirror;

import static dev.forge.mirror.RemoteProtocolContract.P;
import static dev.forge.mirror.RemoteProtocolContract.addRemote;
import static dev.forge.mirror.RemoteProtocolContract.cloneTo;
import static dev.forge.mirror.RemoteProtocolContract.commit;
import static dev.forge.mirror.RemoteProtocolContract.init;
import static dev.forge.mirror.RemoteProtocolContract.push;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forge.core.model.ObjectId;
import dev.forge.core.repo.Repository;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A remote branch whose name Forge does not accept (written by hand, another tool or a hostile remote)
 * is left out of clone, fetch and push, and named; the other branches work as if it were not there.
 */
class RemoteBranchNamesTest {
    static final List<String> BAD = List.of("a b", "foo~1", "caf\u00e9", "x\u001b[31m", "tab\there");

    @TempDir
    Path tmp;

    @Test
    void namesForgeDoesNotAcceptAreRefused() {
        for (String b : List.of("a b", "foo~1", "caf\u00e9", ".hidden", "a/.b", "x:y", "a..b", "-x", "HEAD")) {
            assertFalse(RemoteRefs.usable(b), b);
        }
        for (String b : List.of("main", "shot/010", "client-rev_2.1")) assertTrue(RemoteRefs.usable(b), b);
    }

    /** All of them, by name (the non-ASCII one as the JVM's file-name encoding reads it back). */
    static void assertSkipped(List<String> skipped) {
        assertEquals(BAD.size(), skipped.size(), skipped::toString);
        for (String b : BAD) {
            if (b.chars().allMatch(ch -> ch < 0x80)) assertTrue(skipped.contains(b), skipped::toString);
        }
    }

    @Test
    void cloneFetchAndPushSkipThemAndNameThem() throws Exception {
        Path remote = tmp.resolve("remote");
        Path a = tmp.resolve("a");
        Files.createDirectories(a);
        Files.writeString(a.resolve("f.txt"), "one\n");
        ObjectId v1;
        try (Repository repo = init(a)) {
            v1 = commit(repo, "v1");
            addRemote(repo, remote.toString());
            push(repo, "main");
        }
        // Crafted by hand beside the good ref: valid content, names forge does not take.
        for (String b : BAD) {
            Files.writeString(remote.resolve("refs/heads").resolve(b), v1.hex() + "\n", StandardCharsets.UTF_8);
        }
        Clone.Result c = cloneTo(remote.toString(), tmp.resolve("b"));
        assertEquals("main", c.branch());
        assertEquals(Set.of("main"), c.fetch().branches().keySet());
        assertSkipped(c.fetch().skipped());
        assertEquals("one\n", Files.readString(tmp.resolve("b/f.txt")));

        try (Repository repo = Repository.open(RemoteProtocolContract.STORES, a)) {
            Files.writeString(a.resolve("f.txt"), "two\n");
            ObjectId v2 = commit(repo, "v2");
            assertEquals(v2, push(repo, "main").commit(), "push reads the remote's branches too");
            try (Remote r = new Remotes(repo).open("origin", 2)) {
                Fetch.Result f = new Fetch(repo, r).run(P);
                assertSkipped(f.skipped());
                assertEquals(Set.of("main"), f.branches().keySet());
            }
        }
    }
}
