package dev.forge.cli.e2e;

import static dev.forge.cli.e2e.E2eFiles.json;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every change of state is an operation, remote ones included: through dist/forge, a clone, a fetch,
 * a pull, a push and remote add/remove each appear in {@code forge op log} with the refs and remotes
 * they changed, and {@code forge undo} puts them back (the remote-tracking refs after a fetch, the
 * branch and work tree after a pull, the remote and its tracking refs after a remove).
 */
class OpLogIT {
    @TempDir
    Path tmp;

    static ForgeProcess.Result forge(Path dir, String... args) {
        return ForgeProcess.run(dir, args);
    }

    static byte[] random(int seed, int n) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    static JsonNode newestOp(Path dir) {
        return json(forge(dir, "op", "log", "-n", "1", "--json").ok()).get(0);
    }

    static String commitOf(Path dir, String rev) {
        return json(forge(dir, "log", rev, "-n", "1", "--json").ok())
                .get(0)
                .get("commit")
                .asText();
    }

    static JsonNode refChange(JsonNode op, String ref) {
        for (JsonNode r : op.get("refs")) {
            if (r.get("ref").asText().equals(ref)) return r;
        }
        throw new AssertionError("no change of " + ref + " in " + op);
    }

    @Test
    void fetchPullPushAndRemotesAreOperationsThatUndoReverses() throws Exception {
        Path remote = tmp.resolve("remote");
        Path a = Files.createDirectories(tmp.resolve("a"));
        Files.write(a.resolve("plate.bin"), random(1, 300_000));
        forge(a, "init").ok();
        forge(a, "add", ".").ok();
        forge(a, "commit", "-m", "v1").ok();
        forge(a, "remote", "add", "origin", remote.toString()).ok();
        JsonNode added = newestOp(a);
        assertTrue(added.get("command").asText().startsWith("remote add origin"), added.toString());
        assertEquals("origin", added.get("remotes").get(0).get("name").asText());
        assertTrue(added.get("remotes").get(0).get("before").isNull());
        forge(a, "push").ok();
        String v1 = commitOf(a, "HEAD");
        JsonNode pushed = newestOp(a);
        assertEquals("push origin main", pushed.get("command").asText());
        assertEquals(
                v1, refChange(pushed, "refs/remotes/origin/main").get("after").asText());

        // A clone is one operation: the remote, its tracking refs, HEAD, the branch and the checkout.
        forge(tmp, "clone", remote.toString(), "b").ok();
        Path b = tmp.resolve("b");
        JsonNode ops = json(forge(b, "op", "log", "--json").ok());
        assertEquals(1, ops.size(), ops.toString());
        assertTrue(ops.get(0).get("command").asText().startsWith("clone "));
        assertEquals(v1, refChange(ops.get(0), "refs/heads/main").get("after").asText());
        assertEquals(
                v1,
                refChange(ops.get(0), "refs/remotes/origin/main").get("after").asText());

        Files.write(a.resolve("plate.bin"), random(2, 300_000));
        forge(a, "add", ".").ok();
        forge(a, "commit", "-m", "v2").ok();
        forge(a, "push").ok();
        String v2 = commitOf(a, "HEAD");

        // fetch is logged; undo puts the tracking ref back, and a second undo redoes it.
        forge(b, "fetch").ok();
        JsonNode fetched = newestOp(b);
        assertEquals("fetch origin", fetched.get("command").asText());
        JsonNode tracking = refChange(fetched, "refs/remotes/origin/main");
        assertEquals(v1, tracking.get("before").asText());
        assertEquals(v2, tracking.get("after").asText());
        forge(b, "undo").ok();
        assertEquals(v1, commitOf(b, "origin/main"));
        assertEquals("undo fetch origin", newestOp(b).get("command").asText());
        forge(b, "undo").ok();
        assertEquals(v2, commitOf(b, "origin/main"));
        forge(b, "undo").ok();
        assertEquals(v1, commitOf(b, "origin/main"));

        // A fetch that finds nothing new changes nothing and writes no entry.
        int before = json(forge(b, "op", "log", "--json").ok()).size();
        forge(a, "fetch").ok();
        forge(b, "fetch").ok(); // brings origin/main to v2 again: one entry
        forge(b, "fetch").ok(); // nothing new: no entry
        assertEquals(before + 1, json(forge(b, "op", "log", "--json").ok()).size());

        // pull: its fetch and its fast-forward are one entry; undo takes the branch and files back.
        forge(b, "undo").ok();
        forge(b, "pull").ok();
        JsonNode pulled = newestOp(b);
        assertEquals("pull origin", pulled.get("command").asText());
        assertEquals(v2, refChange(pulled, "refs/heads/main").get("after").asText());
        assertEquals(
                v2, refChange(pulled, "refs/remotes/origin/main").get("after").asText());
        assertArrayEquals(random(2, 300_000), Files.readAllBytes(b.resolve("plate.bin")));
        forge(b, "undo").ok();
        assertEquals(v1, commitOf(b, "main"));
        assertEquals(v1, commitOf(b, "origin/main"));
        assertArrayEquals(random(1, 300_000), Files.readAllBytes(b.resolve("plate.bin")));
        forge(b, "status").ok();
        assertTrue(json(forge(b, "status", "--json").ok()).get("clean").asBoolean());

        // remote remove drops the remote and its tracking refs; undo brings both back.
        forge(b, "fetch").ok();
        forge(b, "remote", "remove", "origin").ok();
        JsonNode removed = newestOp(b);
        assertEquals("remote remove origin", removed.get("command").asText());
        assertTrue(removed.get("remotes").get(0).get("after").isNull());
        assertTrue(refChange(removed, "refs/remotes/origin/main").get("after").isNull());
        assertFalse(forge(b, "remote", "list").ok().stdout().contains("origin"));
        forge(b, "undo").ok();
        assertTrue(forge(b, "remote", "list").ok().stdout().contains("origin"));
        assertEquals(v2, commitOf(b, "origin/main"));
        forge(b, "fsck").ok();
    }
}
