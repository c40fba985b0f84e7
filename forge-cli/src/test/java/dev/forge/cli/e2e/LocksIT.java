package dev.forge.cli.e2e;

import static dev.forge.cli.e2e.E2eFiles.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * File locks end to end through dist/forge, two users (two clones, two identities) on a folder remote
 * and on S3Proxy: a lock refused to the other, a push of a locked path refused with nothing moved on
 * the remote, a forced unlock the holder hears of, 20 simultaneous {@code forge lock} processes with
 * one winner, and a killed {@code forge lock} that leaves nothing that cannot be broken.
 */
class LocksIT {
    static final String ANA = "Ana Lima <ana@studio.example>";
    static final String BEN = "Ben Ode <ben@studio.example>";

    @RegisterExtension
    static final S3ProxyExtension S3 = new S3ProxyExtension("forge-it-s3proxy-locks");

    static final Map<String, String> creds = S3ProxyExtension.CREDS;
    static int n;

    static ForgeProcess.Result as(String who, Path dir, String... args) {
        Map<String, String> env = new HashMap<>(creds);
        env.put("FORGE_AUTHOR", who);
        return ForgeProcess.run(dir, Duration.ofMinutes(5), List.of(args), env);
    }

    static synchronized String s3Prefix() {
        return "locks-it-" + n++;
    }

    static String s3Url(String prefix) {
        return "s3://forge/" + prefix + "?endpoint=" + S3.server().endpoint() + "&path-style=true";
    }

    /** What is on an S3 remote: every key under the prefix with its ETag. */
    static Supplier<SortedMap<String, String>> s3State(String prefix) {
        return () -> {
            SortedMap<String, String> out = new TreeMap<>();
            for (S3Object o : S3.server()
                    .client()
                    .listObjectsV2Paginator(ListObjectsV2Request.builder()
                            .bucket("forge")
                            .prefix(prefix + "/")
                            .build())
                    .contents()) out.put(o.key(), o.eTag());
            return out;
        };
    }

    /** What is in a folder remote: every file with its SHA-256. */
    static Supplier<SortedMap<String, String>> folderState(Path remote) {
        return () -> E2eFiles.hashTree(remote);
    }

    @Test
    void twoUsersOnAFolderRemote(@TempDir Path tmp) throws Exception {
        Path remote = tmp.resolve("remote");
        twoUsers(tmp, remote.toString(), folderState(remote));
    }

    @Test
    void twoUsersOnS3(@TempDir Path tmp) throws Exception {
        String prefix = s3Prefix();
        twoUsers(tmp, s3Url(prefix), s3State(prefix));
    }

    private void twoUsers(Path tmp, String url, Supplier<SortedMap<String, String>> remoteState) throws Exception {
        Path ana = Files.createDirectories(tmp.resolve("ana"));
        as(ANA, ana, "init").ok();
        Files.createDirectories(ana.resolve("art"));
        Files.write(ana.resolve("art/hero.psd"), random(1, 300_000));
        Files.write(ana.resolve("art/sky.psd"), random(2, 200_000));
        as(ANA, ana, "add", ".").ok();
        as(ANA, ana, "commit", "-m", "first art").ok();
        as(ANA, ana, "remote", "add", "origin", url).ok();
        as(ANA, ana, "push").ok();
        as(BEN, tmp, "clone", url, "ben").ok();
        Path ben = tmp.resolve("ben");

        as(ANA, ana, "lock", "art/hero.psd", "-m", "repainting the sky").ok();
        ForgeProcess.Result lost =
                as(BEN, ben, "lock", "art/hero.psd").expect(9).oneLineError();
        assertTrue(lost.stderr().contains(ANA) && lost.stderr().contains("repainting the sky"), lost::describe);
        // Ana's lock from inside a folder, by a relative path: the same lock.
        JsonNode again =
                json(as(ANA, ana.resolve("art"), "lock", "hero.psd", "--json").ok());
        assertTrue(again.path("locks").get(0).path("already").asBoolean(), again::toString);

        JsonNode seen = json(as(BEN, ben, "locks", "--json").ok());
        assertEquals(1, seen.path("locks").size(), seen::toString);
        JsonNode l = seen.path("locks").get(0);
        assertEquals("art/hero.psd", l.path("path").asText());
        assertEquals(ANA, l.path("owner").asText());
        assertEquals("main", l.path("branch").asText());
        assertEquals("repainting the sky", l.path("message").asText());
        assertFalse(l.path("mine").asBoolean());
        assertTrue(json(as(ANA, ana, "locks", "--json").ok())
                .path("locks")
                .get(0)
                .path("mine")
                .asBoolean());
        System.out.println("[LocksIT] forge locks --json (Ben): " + seen);

        // Ben changes the locked file and a free one: the push is refused and nothing moves.
        Files.write(ben.resolve("art/hero.psd"), random(3, 300_000));
        Files.write(ben.resolve("art/sky.psd"), random(4, 200_000));
        as(BEN, ben, "add", ".").ok();
        as(BEN, ben, "commit", "-m", "bens edit").ok();
        SortedMap<String, String> before = remoteState.get();
        ForgeProcess.Result refused = as(BEN, ben, "push").expect(9).oneLineError();
        System.out.println("[LocksIT] refused push: " + refused.stderr().strip());
        assertTrue(refused.stderr().contains("art/hero.psd") && refused.stderr().contains(ANA), refused::describe);
        assertFalse(refused.stderr().contains("art/sky.psd"), refused::describe);
        assertEquals(before, remoteState.get(), "a refused push moves nothing on the remote");
        JsonNode err =
                E2eFiles.JSON.readTree(as(BEN, ben, "push", "--json").expect(9).stderr());
        assertEquals(9, err.path("exitCode").asInt(), err::toString);
        assertTrue(err.path("error").asText().contains("art/hero.psd"), err::toString);
        // A tag on that commit does not get it past the lock: tags are checked against every lock.
        as(BEN, ben, "tag", "bens-edit").ok();
        ForgeProcess.Result tagRefused =
                as(BEN, ben, "push", "--tags").expect(9).oneLineError();
        assertTrue(tagRefused.stderr().contains("art/hero.psd"), tagRefused::describe);
        assertEquals(before, remoteState.get(), "a refused tag push moves nothing on the remote");

        // Ana may push a change to her own locked file... after Ben's is out of the way she is up to date.
        // Ben breaks the lock; his push goes through; Ana hears of it once.
        ForgeProcess.Result notHis =
                as(BEN, ben, "unlock", "art/hero.psd").expect(9).oneLineError();
        assertTrue(notHis.stderr().contains("--force"), notHis::describe);
        as(BEN, ben, "unlock", "--force", "art/hero.psd").ok();
        as(BEN, ben, "push").ok();
        ForgeProcess.Result told = as(ANA, ana, "locks").ok();
        assertTrue(
                told.stderr().contains("your lock on art/hero.psd")
                        && told.stderr().contains("broken"),
                told::describe);
        assertFalse(as(ANA, ana, "locks").ok().stderr().contains("broken"), "told once");
        as(BEN, ben, "unlock", "art/hero.psd").expect(4);

        // A lock taken on main (a mainline branch) guards every branch: Ana's push of Ben's locked file is refused.
        as(BEN, ben, "lock", "art/sky.psd").ok();
        as(ANA, ana, "pull").ok();
        Files.write(ana.resolve("art/sky.psd"), random(5, 200_000));
        as(ANA, ana, "add", ".").ok();
        as(ANA, ana, "commit", "-m", "anas sky").ok();
        as(ANA, ana, "push", "origin", "main:sky-work").expect(9);
        // A lock taken on another branch does not guard main: Ana locks hero.psd on a feature branch,
        // and Ben's change to it on main goes through.
        as(BEN, ben, "unlock", "art/sky.psd").ok();
        as(ANA, ana, "push").ok();
        as(ANA, ana, "switch", "-c", "feature").ok();
        as(ANA, ana, "lock", "art/hero.psd").ok();
        as(BEN, ben, "pull").ok();
        Files.write(ben.resolve("art/hero.psd"), random(6, 300_000));
        as(BEN, ben, "add", ".").ok();
        as(BEN, ben, "commit", "-m", "hero on main").ok();
        // It guards the feature branch...
        ForgeProcess.Result guarded =
                as(BEN, ben, "push", "origin", "main:feature").expect(9).oneLineError();
        assertTrue(guarded.stderr().contains("art/hero.psd"), guarded::describe);
        // ...and not main.
        as(BEN, ben, "push").ok();
    }

    @Test
    void twentySimultaneousLocksOnAFolderRemoteHaveOneWinner(@TempDir Path tmp) throws Exception {
        twentyRacers(tmp, tmp.resolve("remote").toString());
    }

    @Test
    void twentySimultaneousLocksOnS3HaveOneWinner(@TempDir Path tmp) throws Exception {
        twentyRacers(tmp, s3Url(s3Prefix()));
    }

    private void twentyRacers(Path tmp, String url) throws Exception {
        int count = 20;
        List<Path> clones = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Path c = Files.createDirectories(tmp.resolve("c" + i));
            as(user(i), c, "init").ok();
            as(user(i), c, "remote", "add", "origin", url).ok();
            clones.add(c);
        }
        List<ForgeProcess.Started> running = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Map<String, String> env = new HashMap<>(creds);
            env.put("FORGE_AUTHOR", user(i));
            running.add(ForgeProcess.start(clones.get(i), List.of("lock", "scene.ma"), env));
        }
        List<Integer> winners = new ArrayList<>();
        List<String> losers = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ForgeProcess.Started s = running.get(i);
            assertTrue(s.process().waitFor(5, TimeUnit.MINUTES), "lock " + i + " hangs");
            int code = s.process().exitValue();
            String stderr = s.readStderr();
            s.cleanup();
            if (code == 0) winners.add(i);
            else {
                assertEquals(9, code, stderr);
                losers.add(stderr);
            }
        }
        assertEquals(1, winners.size(), () -> "winners " + winners + "; losers " + losers);
        String winner = user(winners.getFirst());
        for (String l : losers)
            assertTrue(l.contains(winner) && l.strip().lines().count() == 1, l);
        JsonNode locks = json(as(user(0), clones.getFirst(), "locks", "--json").ok());
        assertEquals(1, locks.path("locks").size(), locks::toString);
        assertEquals(winner, locks.path("locks").get(0).path("owner").asText());
    }

    @Test
    void aKilledLockLeavesNothingThatCannotBeBroken(@TempDir Path tmp) throws Exception {
        String url = s3Url(s3Prefix());
        Path ana = Files.createDirectories(tmp.resolve("ana"));
        Path ben = Files.createDirectories(tmp.resolve("ben"));
        as(ANA, ana, "init").ok();
        as(ANA, ana, "remote", "add", "origin", url).ok();
        as(BEN, ben, "init").ok();
        as(BEN, ben, "remote", "add", "origin", url).ok();
        Random rnd = new Random(14);
        for (int round = 0; round < 4; round++) {
            Map<String, String> env = new HashMap<>(creds);
            env.put("FORGE_AUTHOR", ANA);
            ForgeProcess.Started s = ForgeProcess.start(ana, List.of("lock", "a.psd", "b.psd", "c.psd"), env);
            Thread.sleep(200 + rnd.nextInt(1500));
            ForgeProcess.killTree(s.process());
            s.cleanup();
            // Whatever the kill left: Ana may lock again (hers, or free), and Ben may break each lock.
            as(ANA, ana, "lock", "a.psd", "b.psd", "c.psd").ok();
            for (String p : List.of("a.psd", "b.psd", "c.psd"))
                as(BEN, ben, "unlock", "--force", p).ok();
            assertEquals(
                    0, json(as(BEN, ben, "locks", "--json").ok()).path("locks").size());
        }
    }

    @Test
    void lockableFilesAreCheckedByStatusAndCommitAndLockedOnesAreReadOnly(@TempDir Path tmp) throws Exception {
        String url = tmp.resolve("remote").toString();
        Path ana = Files.createDirectories(tmp.resolve("ana"));
        as(ANA, ana, "init").ok();
        Files.writeString(ana.resolve(".forgeattributes"), "# binary files\n*.psd lockable\n");
        Files.write(ana.resolve("hero.psd"), random(1, 50_000));
        Files.writeString(ana.resolve("notes.txt"), "notes\n");
        as(ANA, ana, "add", ".").ok();
        as(ANA, ana, "commit", "-m", "first").ok();
        as(ANA, ana, "remote", "add", "origin", url).ok();
        as(ANA, ana, "push").ok();
        as(BEN, tmp, "clone", url, "ben").ok();
        Path ben = tmp.resolve("ben");
        as(BEN, ben, "config", "lock.readOnly", "true").ok();
        as(ANA, ana, "lock", "hero.psd", "notes.txt").ok();

        as(BEN, ben, "switch", "-c", "work").ok();
        assertFalse(ownerWritable(ben.resolve("hero.psd")), "locked by Ana: read-only after the switch");
        assertFalse(ownerWritable(ben.resolve("notes.txt")), "any locked file, lockable or not");
        // Ben edits anyway (chmod): status lists it, commit warns, push refuses.
        setOwnerWritable(ben.resolve("hero.psd"));
        setOwnerWritable(ben.resolve("notes.txt"));
        Files.write(ben.resolve("hero.psd"), random(2, 50_000));
        Files.writeString(ben.resolve("notes.txt"), "more notes\n");
        ForgeProcess.Result status = as(BEN, ben, "status").ok();
        assertTrue(
                status.stdout().contains("locked by others") && status.stdout().contains("hero.psd"), status::describe);
        JsonNode st = json(as(BEN, ben, "status", "--json").ok());
        assertEquals(1, st.path("lockedByOthers").size(), st::toString);
        assertEquals("hero.psd", st.path("lockedByOthers").get(0).path("path").asText(), st::toString);
        as(BEN, ben, "add", ".").ok();
        ForgeProcess.Result commit = as(BEN, ben, "commit", "-m", "bens edit").ok();
        assertTrue(commit.stderr().contains("hero.psd") && commit.stderr().contains(ANA), commit::describe);
        assertFalse(commit.stderr().contains("notes.txt"), "only lockable files are checked: " + commit.describe());
        as(BEN, ben, "push", "origin", "work").expect(9);

        as(ANA, ana, "unlock", "hero.psd", "notes.txt").ok();
        as(BEN, ben, "switch", "main").ok();
        assertTrue(ownerWritable(ben.resolve("hero.psd")));
        assertTrue(ownerWritable(ben.resolve("notes.txt")));
        as(BEN, ben, "push", "origin", "work").ok();
    }

    static boolean ownerWritable(Path p) throws Exception {
        return Files.getPosixFilePermissions(p).contains(java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
    }

    static void setOwnerWritable(Path p) throws Exception {
        var perms = Files.getPosixFilePermissions(p);
        perms.add(java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
        Files.setPosixFilePermissions(p, perms);
    }

    static String user(int i) {
        return "User " + i + " <u" + i + "@studio.example>";
    }

    static byte[] random(long seed, int size) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }
}
