package dev.forge.cli.e2e;

import static dev.forge.cli.e2e.E2eFiles.assertSameTree;
import static dev.forge.cli.e2e.E2eFiles.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mirrors through dist/forge: a push brings a full and a video-only mirror up to date, a clone from
 * the full mirror is byte-for-byte, verify names what the partial one cannot restore, a broken mirror
 * only warns, and status/sync catch up after {@code --no-mirrors}.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class MirrorIT {
    @BeforeAll
    static void built() {
        ForgeProcess.forge();
    }

    private static void write(Path file, byte[] head, long seed, int size) throws Exception {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        System.arraycopy(head, 0, b, 0, head.length);
        Files.createDirectories(file.getParent());
        Files.write(file, b);
    }

    private static final byte[] MP4 = {0, 0, 0, 0x18, 'f', 't', 'y', 'p', 'i', 's', 'o', 'm', 0, 0, 2, 0};
    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};

    private static JsonNode mirror(JsonNode mirrors, String name) {
        for (JsonNode m : mirrors) if (m.path("mirror").asText().equals(name)) return m;
        throw new AssertionError("no mirror " + name + " in " + mirrors);
    }

    @Test
    void pushUpdatesMirrorsThatCloneVerifyAndCatchUp(@TempDir Path tmp) throws Exception {
        Path a = Files.createDirectories(tmp.resolve("a"));
        write(a.resolve("shots/010/clip.mov"), MP4, 1, 2_000_000);
        write(a.resolve("shots/010/frame.png"), PNG, 2, 700_000);
        Files.writeString(a.resolve("notes.txt"), "notes\n".repeat(2000), StandardCharsets.UTF_8);
        ForgeProcess.run(a, "init").ok();
        ForgeProcess.run(a, "add", ".").ok();
        ForgeProcess.run(a, "commit", "-m", "v1").ok();
        ForgeProcess.run(a, "remote", "add", "origin", tmp.resolve("origin").toString())
                .ok();
        ForgeProcess.run(a, "mirror", "add", "backup", tmp.resolve("backup").toString())
                .ok();
        ForgeProcess.run(a, "mirror", "add", "vids", tmp.resolve("vids").toString(), "--only", "video")
                .ok();
        ForgeProcess.Result bad = ForgeProcess.run(
                        a, "mirror", "add", "x", tmp.resolve("x").toString(), "--only", "videos")
                .expect(2);
        assertTrue(bad.stderr().contains("neither a media category"), bad.describe());

        ForgeProcess.Result push = ForgeProcess.run(a, "push", "--json").ok();
        JsonNode mirrors = json(push).path("mirrors");
        assertEquals(2, mirrors.size(), push.describe());
        assertTrue(mirror(mirrors, "backup").path("ok").asBoolean(), push.describe());
        assertTrue(mirror(mirrors, "vids").path("ok").asBoolean(), push.describe());
        long full = mirror(mirrors, "backup").path("bytesSent").asLong();
        long vids = mirror(mirrors, "vids").path("bytesSent").asLong();
        assertTrue(
                vids > 1_900_000 && vids < full - 600_000,
                "the video mirror took the video only: " + vids + " of " + full);

        ForgeProcess.Result list = ForgeProcess.run(a, "remote", "list").ok();
        assertTrue(list.stdout().contains("(mirror of origin, takes video)"), list.describe());

        // A clone from the full mirror is the project, byte for byte.
        Path b = tmp.resolve("b");
        ForgeProcess.run(tmp, "clone", tmp.resolve("backup").toString(), b.toString())
                .ok();
        assertSameTree(a, b);

        // The video mirror alone cannot restore the picture and the notes; both mirrors together can.
        ForgeProcess.Result partial =
                ForgeProcess.run(a, "mirror", "verify", "--mirror", "vids").expect(12);
        assertTrue(partial.stderr().contains("cannot restore 2 of 3 files"), partial.describe());
        assertTrue(partial.stderr().contains("shots/010/frame.png"), partial.describe());
        assertTrue(partial.stderr().contains("notes.txt"), partial.describe());
        ForgeProcess.Result whole =
                ForgeProcess.run(a, "mirror", "verify", "--json").ok();
        assertTrue(json(whole).path("complete").asBoolean(), whole.describe());

        // A broken mirror only warns: the push itself succeeds.
        ForgeProcess.run(a, "mirror", "add", "broken", "http://127.0.0.1:9/none")
                .ok();
        Files.writeString(a.resolve("notes.txt"), "v2\n", StandardCharsets.UTF_8);
        ForgeProcess.run(a, "add", ".").ok();
        ForgeProcess.run(a, "commit", "-m", "v2").ok();
        ForgeProcess.Result warned = ForgeProcess.run(a, "push").ok();
        assertTrue(warned.stderr().contains("mirror broken not updated"), warned.describe());
        assertTrue(warned.stdout().contains("mirror backup: 1 branch updated"), warned.describe());
        ForgeProcess.Result sync =
                ForgeProcess.run(a, "mirror", "sync", "broken").expect(10);
        assertTrue(sync.stderr().contains("read-only"), sync.describe());
        ForgeProcess.run(a, "mirror", "remove", "broken").ok();

        // --no-mirrors leaves them behind; status names the commit; sync catches up.
        Files.writeString(a.resolve("notes.txt"), "v3\n", StandardCharsets.UTF_8);
        ForgeProcess.run(a, "add", ".").ok();
        String v3 = json(ForgeProcess.run(a, "commit", "-m", "v3", "--json").ok())
                .path("commit")
                .asText();
        ForgeProcess.run(a, "push", "--no-mirrors").ok();
        ForgeProcess.Result status =
                ForgeProcess.run(a, "mirror", "status", "--json").ok();
        JsonNode backup = null;
        for (JsonNode m : json(status)) if (m.path("mirror").asText().equals("backup")) backup = m;
        assertFalse(backup.path("upToDate").asBoolean(), status.describe());
        JsonNode main = backup.path("branches").get(0);
        assertEquals("behind", main.path("state").asText(), status.describe());
        assertEquals(v3, main.path("missing").get(0).asText(), status.describe());
        ForgeProcess.run(a, "mirror", "sync").ok();
        status = ForgeProcess.run(a, "mirror", "status", "--json").ok();
        for (JsonNode m : json(status)) assertTrue(m.path("upToDate").asBoolean(), status.describe());
        ForgeProcess.run(b, "pull").ok();
        assertSameTree(a, b);
    }

    @Test
    void aPublicMirrorIsEncryptedAndClonesWithTheKey(@TempDir Path tmp) throws Exception {
        java.util.Map<String, String> env =
                java.util.Map.of("XDG_CONFIG_HOME", tmp.resolve("config").toString());
        java.time.Duration t = java.time.Duration.ofMinutes(3);
        Path a = Files.createDirectories(tmp.resolve("a"));
        write(a.resolve("shots/clip.mov"), MP4, 7, 1_500_000);
        byte[] plain = Files.readAllBytes(a.resolve("shots/clip.mov"));
        ForgeProcess.run(a, t, java.util.List.of("init"), env).ok();
        ForgeProcess.run(a, t, java.util.List.of("add", "."), env).ok();
        ForgeProcess.run(a, t, java.util.List.of("commit", "-m", "v1"), env).ok();
        ForgeProcess.run(
                        a,
                        t,
                        java.util.List.of(
                                "remote", "add", "origin", tmp.resolve("origin").toString()),
                        env)
                .ok();
        Path vault = tmp.resolve("vault");
        JsonNode added = json(ForgeProcess.run(
                        a, t, java.util.List.of("mirror", "add", "vault", vault.toString(), "--public", "--json"), env)
                .ok());
        assertTrue(added.path("encrypt").asBoolean(), added.toString());
        JsonNode push = json(
                ForgeProcess.run(a, t, java.util.List.of("push", "--json"), env).ok());
        assertTrue(mirror(push.path("mirrors"), "vault").path("ok").asBoolean(), push.toString());

        // Nothing the host stores shows the file's bytes (a 64-byte run from its middle).
        byte[] probe = java.util.Arrays.copyOfRange(plain, 700_000, 700_064);
        try (var files = Files.walk(vault)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                byte[] b = Files.readAllBytes(f);
                for (int i = 0; i + probe.length <= b.length; i += 1) {
                    if (b[i] == probe[0] && java.util.Arrays.equals(b, i, i + probe.length, probe, 0, probe.length))
                        throw new AssertionError("plaintext of clip.mov in " + f);
                }
            }
        }
        // Without the key: exit 13; with this user's identity (the same config folder): byte for byte.
        ForgeProcess.run(
                        tmp,
                        t,
                        java.util.List.of(
                                "clone", vault.toString(), tmp.resolve("x").toString()),
                        java.util.Map.of("XDG_CONFIG_HOME", tmp.resolve("other").toString()))
                .expect(13);
        assertFalse(Files.exists(tmp.resolve("x")));
        ForgeProcess.run(
                        tmp,
                        t,
                        java.util.List.of(
                                "clone", vault.toString(), tmp.resolve("b").toString()),
                        env)
                .ok();
        assertSameTree(a, tmp.resolve("b"));
    }
}
