package dev.forge.cli.e2e;

import static dev.forge.cli.e2e.E2eFiles.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The team workflow around a shared remote, through dist/forge: tags pushed and fetched (never moved
 * unless forced), fetch --prune, push --delete, and the pre-commit, pre-push and post-checkout hooks.
 */
class TeamWorkflowIT {
    @RegisterExtension
    static final S3ProxyExtension S3 = new S3ProxyExtension("forge-it-s3proxy-team");

    static final Map<String, String> creds = S3ProxyExtension.CREDS;

    static ForgeProcess.Result forge(Path dir, String... args) {
        return ForgeProcess.run(dir, Duration.ofMinutes(5), Arrays.asList(args), creds);
    }

    static String head(Path repo) {
        return json(forge(repo, "log", "-n", "1", "--json").ok())
                .get(0)
                .path("commit")
                .asText();
    }

    /** A repository with one commit, pushed to {@code url}, and a clone of it. */
    static Path[] sharedRepo(Path tmp, String url) throws Exception {
        Path a = Files.createDirectories(tmp.resolve("a"));
        forge(a, "init").ok();
        Files.writeString(a.resolve("shot.txt"), "v1\n");
        forge(a, "add", ".").ok();
        forge(a, "commit", "-m", "v1").ok();
        forge(a, "remote", "add", "origin", url).ok();
        forge(a, "push").ok();
        forge(tmp, "clone", url, "b").ok();
        return new Path[] {a, tmp.resolve("b")};
    }

    @Test
    void tagsRoundTripAndNeverMoveUnlessForced(@TempDir Path tmp) throws Exception {
        Path[] ab = sharedRepo(tmp, "s3://forge/tags?endpoint=" + S3.server().endpoint() + "&path-style=true");
        Path a = ab[0];
        Path b = ab[1];
        String v1 = head(a);
        forge(a, "tag", "v1.0").ok();
        // A tag on a commit no branch of the remote has: its objects go along.
        Files.writeString(a.resolve("shot.txt"), "v2\n");
        forge(a, "add", ".").ok();
        forge(a, "commit", "-m", "v2").ok();
        String v2 = head(a);
        forge(a, "tag", "rc2").ok();
        forge(a, "switch", "-c", "side").ok();
        JsonNode pushed =
                json(forge(a, "push", "origin", "side", "--tags", "--json").ok());
        assertEquals(2, pushed.path("tags").path("created").size(), pushed::toString);

        JsonNode fetched = json(forge(b, "fetch", "--json").ok());
        assertEquals(2, fetched.path("tags").size(), fetched::toString);
        assertEquals("v1\n", forge(b, "show", "v1.0:shot.txt").ok().stdout());
        assertEquals("v2\n", forge(b, "show", "rc2:shot.txt").ok().stdout());

        // b moves rc2 locally and pushes: refused (exit 8), the remote keeps it; --force moves it.
        forge(b, "tag", "-d", "rc2").ok();
        forge(b, "tag", "rc2", v1).ok();
        ForgeProcess.Result refused = forge(b, "push", "--tags").expect(8).oneLineError();
        assertTrue(refused.stderr().contains("rc2") && refused.stderr().contains("--force"), refused::describe);
        forge(tmp, "clone", s3UrlOf(a), "c").ok();
        assertEquals(
                "v2\n", forge(tmp.resolve("c"), "show", "rc2:shot.txt").ok().stdout());
        forge(b, "push", "--tags", "--force").ok();
        // a fetch never moves a tag someone has here: a keeps its own rc2, and is told.
        ForgeProcess.Result kept = forge(a, "fetch").ok();
        assertTrue(kept.stderr().contains("rc2"), kept::describe);
        assertEquals("v2\n", forge(a, "show", "rc2:shot.txt").ok().stdout());
        forge(tmp, "clone", s3UrlOf(a), "d").ok();
        assertEquals(
                "v1\n", forge(tmp.resolve("d"), "show", "rc2:shot.txt").ok().stdout());

        // --force moves tags only: a branch that diverged still refuses with exit 8.
        Files.writeString(b.resolve("shot.txt"), "b's\n");
        forge(b, "add", ".").ok();
        forge(b, "commit", "-m", "b").ok();
        forge(b, "push").ok();
        forge(a, "switch", "main").ok();
        Files.writeString(a.resolve("other.txt"), "a's\n");
        forge(a, "add", ".").ok();
        forge(a, "commit", "-m", "a").ok();
        forge(a, "push", "--tags", "--force").expect(8);
        forge(a, "push", "--force").expect(2);
        assertEquals(
                v2,
                json(forge(a, "log", "rc2", "-n", "1", "--json").ok())
                        .get(0)
                        .path("commit")
                        .asText());
    }

    static String s3UrlOf(Path repo) {
        return json(forge(repo, "remote", "list", "--json").ok())
                .get(0)
                .path("url")
                .asText();
    }

    @Test
    void pruneRemovesTrackingBranchesThatAreGoneAndPushDeleteRemovesOne(@TempDir Path tmp) throws Exception {
        Path[] ab = sharedRepo(tmp, tmp.resolve("remote").toString());
        Path a = ab[0];
        Path b = ab[1];
        forge(a, "switch", "-c", "feature").ok();
        forge(a, "push", "origin", "feature").ok();
        forge(b, "fetch").ok();
        forge(b, "log", "origin/feature", "-n", "1").ok();
        JsonNode deleted =
                json(forge(a, "push", "origin", "--delete", "feature", "--json").ok());
        assertEquals("feature", deleted.path("deleted").asText(), deleted::toString);
        forge(a, "log", "origin/feature", "-n", "1").expect(4);
        forge(a, "push", "origin", "--delete", "feature").expect(4);
        // Without --prune b keeps origin/feature; with it, it goes.
        forge(b, "fetch").ok();
        forge(b, "log", "origin/feature", "-n", "1").ok();
        JsonNode pruned = json(forge(b, "fetch", "--prune", "--json").ok());
        assertEquals("feature", pruned.path("pruned").get(0).asText(), pruned::toString);
        forge(b, "log", "origin/feature", "-n", "1").expect(4);
        forge(b, "log", "origin/main", "-n", "1").ok();
    }

    static void hook(Path repo, String name, String script) throws Exception {
        Path dir = Files.createDirectories(repo.resolve(".forge/hooks"));
        Path h = dir.resolve(name);
        Files.writeString(h, "#!/bin/sh\n" + script);
        Files.setPosixFilePermissions(h, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @Test
    void eachHookStopsItsCommand(@TempDir Path tmp) throws Exception {
        Path[] ab = sharedRepo(tmp, tmp.resolve("remote").toString());
        Path a = ab[0];
        String before = head(a);

        // pre-commit: a naming convention; exit 1 with the hook's output, nothing committed.
        hook(a, "pre-commit", "echo \"bad name: Shot 1.txt (no spaces)\"\nexit 3\n");
        Files.writeString(a.resolve("Shot 1.txt"), "x\n");
        forge(a, "add", ".").ok();
        ForgeProcess.Result c = forge(a, "commit", "-m", "bad").expect(1);
        assertTrue(c.stderr().contains("bad name: Shot 1.txt") && c.stderr().contains("pre-commit"), c::describe);
        assertEquals(before, head(a));
        // a hook may run forge itself: forge holds no lock on the repository meanwhile
        hook(a, "pre-commit", "'" + ForgeProcess.forge() + "' status > /dev/null && exit 0\n");
        forge(a, "commit", "-m", "good").ok();
        String committed = head(a);

        // pre-push: gets the refs on stdin like git's; exit 1, nothing moved on the remote.
        hook(a, "pre-push", "echo \"args: $1 $2\"\nwhile read l; do echo \"ref: $l\"; done\nexit 1\n");
        ForgeProcess.Result p = forge(a, "push").expect(1);
        assertTrue(
                p.stderr().contains("ref: refs/heads/main " + committed + " refs/heads/main " + before), p::describe);
        assertTrue(p.stderr().contains("args: origin "), p::describe);
        assertEquals(before + "\n", Files.readString(tmp.resolve("remote/refs/heads/main")));
        hook(a, "pre-push", "exit 0\n");
        forge(a, "push").ok();
        assertEquals(committed + "\n", Files.readString(tmp.resolve("remote/refs/heads/main")));

        // post-checkout: previous HEAD, new HEAD, 1; a failure is exit 1 with its output.
        hook(a, "post-checkout", "echo \"checked out $1 -> $2 ($3)\"\nexit 2\n");
        ForgeProcess.Result s = forge(a, "checkout", before).expect(1);
        assertTrue(s.stderr().contains("checked out " + committed + " -> " + before + " (1)"), s::describe);
        ForgeProcess.Result sw = forge(a, "switch", "main").expect(1);
        assertTrue(sw.stderr().contains("post-checkout"), sw::describe);
        Files.delete(a.resolve(".forge/hooks/post-checkout"));
        forge(a, "checkout", before).ok();
    }
}
