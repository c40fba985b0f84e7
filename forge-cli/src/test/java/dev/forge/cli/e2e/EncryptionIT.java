package dev.forge.cli.e2e;

import static dev.forge.cli.e2e.E2eFiles.json;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forge.mirror.age.X25519Identity;
import dev.forge.mirror.github.FakeGitHub;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Encrypted remotes end to end through dist/forge: a folder remote added with --encrypt and a new github://
 * remote (encrypted by its first push) hold no plaintext byte, chunk or pack id, commit id or branch name; a
 * clone with the key works, without it exits 13 leaving no folder; forge key add lets a second identity clone;
 * a flipped byte in a stored pack exits 5 leaving no folder; the local and remote wrapped keys open with the age
 * command.
 */
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class EncryptionIT {
    static final String TOKEN = "ghp_e2eEncryptionToken0123456789abcdef";

    @BeforeAll
    static void build() {
        ForgeProcess.forge();
    }

    static ForgeProcess.Result forge(Path dir, Map<String, String> env, String... args) {
        return ForgeProcess.run(dir, Duration.ofMinutes(5), Arrays.asList(args), env);
    }

    static Map<String, String> user(Path config) {
        return Map.of(
                "XDG_CONFIG_HOME",
                config.toString(),
                "FORGE_GITHUB_TOKEN",
                TOKEN,
                "FORGE_IDENTITY",
                "",
                "FORGE_PASSPHRASE",
                "");
    }

    static byte[] random(long seed, int n) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** A work tree with a 2 MB file, a text file whose name and words are secret, and a commit. */
    static Path project(Path tmp, Map<String, String> env) throws Exception {
        Path work = Files.createDirectories(tmp.resolve("work"));
        Files.createDirectories(work.resolve("shots"));
        Files.write(work.resolve("shots/plate-secretname.bin"), random(1, 2_000_000));
        Files.writeString(work.resolve("notes.txt"), "the butler did it\n".repeat(200));
        forge(work, env, "init").ok();
        forge(work, env, "add", ".").ok();
        forge(work, env, "commit", "-m", "confidential message").ok();
        return work;
    }

    /** What must not appear in anything the host stores: contents, ids, names. */
    static List<byte[]> secrets(Path work, String commit) throws Exception {
        List<byte[]> out = new ArrayList<>();
        byte[] plate = Files.readAllBytes(work.resolve("shots/plate-secretname.bin"));
        for (int off = 0; off < plate.length; off += 250_000) out.add(Arrays.copyOfRange(plate, off, off + 48));
        for (String s : List.of("butler", "secretname", "confidential", "heads/main", commit.substring(0, 24)))
            out.add(s.getBytes(StandardCharsets.US_ASCII));
        try (Stream<Path> idx = Files.list(work.resolve(".forge/remotes/origin/idx"))) {
            for (Path p : idx.toList()) {
                String id = p.getFileName().toString().replace(".idx", "");
                out.add(id.substring(0, 24).getBytes(StandardCharsets.US_ASCII));
            }
        }
        return out;
    }

    static void assertNothingLeaks(String name, byte[] stored, List<byte[]> secrets) {
        for (byte[] s : secrets) {
            String text = new String(s, StandardCharsets.ISO_8859_1);
            assertFalse(name.contains(text), () -> "the stored name " + name + " holds " + text);
            assertFalse(contains(stored, s), () -> name + " holds a secret: " + text);
        }
    }

    @Test
    void anEncryptedFolderRemoteRoundTripsLeaksNothingAndNeedsTheKey(@TempDir Path tmp) throws Exception {
        Map<String, String> alice = user(tmp.resolve("alice-config"));
        Map<String, String> bob = user(tmp.resolve("bob-config"));
        Path remote = tmp.resolve("remote");
        Path work = project(tmp, alice);
        forge(work, alice, "remote", "add", "origin", remote.toString(), "--encrypt")
                .ok();
        ForgeProcess.Result push = forge(work, alice, "push", "--json").ok();
        assertTrue(push.stderr().contains("encrypting ") && push.stderr().contains("forge key add"), push::describe);
        String commit = json(push).path("commit").asText();
        JsonNode config = E2eFiles.JSON.readTree(Files.readAllBytes(remote.resolve("config")));
        assertEquals("forge-v1", config.path("encryption").path("scheme").asText(), config::toString);

        List<byte[]> secrets = secrets(work, commit);
        int files = 0;
        try (Stream<Path> s = Files.walk(remote)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                assertNothingLeaks(remote.relativize(p).toString(), Files.readAllBytes(p), secrets);
                files++;
            }
        }
        assertTrue(files > 5, "files stored: " + files);

        // Alice's own clone opens with her identity, found without a flag.
        forge(tmp, alice, "clone", remote.toString(), "mine").ok();
        assertArrayEquals(
                Files.readAllBytes(work.resolve("shots/plate-secretname.bin")),
                Files.readAllBytes(tmp.resolve("mine/shots/plate-secretname.bin")));

        // Bob has no key: one line, exit 13, no folder.
        ForgeProcess.Result refused =
                forge(tmp, bob, "clone", remote.toString(), "bobs").expect(13).oneLineError();
        assertTrue(refused.stderr().contains("no identity opens"), refused::describe);
        assertFalse(Files.exists(tmp.resolve("bobs")), "a refused clone leaves no folder");

        // Alice adds Bob's key; Bob clones with --identity.
        X25519Identity bobId = X25519Identity.generate();
        Path bobKey = tmp.resolve("bob.key");
        Files.writeString(bobKey, "# bob\n" + bobId.encode() + "\n");
        forge(work, alice, "key", "add", bobId.recipient().toString()).ok();
        JsonNode list = json(forge(work, alice, "key", "list", "--json").ok());
        assertEquals(2, list.path("recipients").size(), list::toString);
        assertTrue(list.path("recipients").toString().contains(bobId.recipient().toString()), list::toString);
        forge(tmp, bob, "clone", remote.toString(), "bobs", "--identity", bobKey.toString())
                .ok();
        assertEquals(Files.readString(work.resolve("notes.txt")), Files.readString(tmp.resolve("bobs/notes.txt")));
        forge(tmp.resolve("bobs"), bob, "fsck").ok();

        // The age command opens both the local key (Alice's identity) and the remote's (Bob's).
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/age")), "the age command is missing");
        byte[] local =
                age(tmp, tmp.resolve("alice-config/forge/identity.txt"), work.resolve(".forge/remotes/origin/key.age"));
        byte[] remoteKey = age(tmp, bobKey, remote.resolve("keys/1/recipients.age"));
        assertEquals(32, local.length);
        assertArrayEquals(local, remoteKey, "one repository key, wrapped twice");

        // A flipped byte in a stored pack: exit 5, no folder.
        Path biggest;
        try (Stream<Path> s = Files.walk(remote.resolve("packs"))) {
            biggest = s.filter(p -> p.toString().endsWith(".pack"))
                    .max((a, b) -> Long.compare(a.toFile().length(), b.toFile().length()))
                    .orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(biggest);
        bytes[bytes.length / 3] ^= 0x01;
        Files.write(biggest, bytes);
        ForgeProcess.Result damaged = forge(tmp, alice, "clone", remote.toString(), "damaged")
                .expect(5)
                .oneLineError();
        assertTrue(damaged.stderr().contains("does not verify"), damaged::describe);
        assertFalse(Files.exists(tmp.resolve("damaged")), "a failed clone leaves no folder");
    }

    @Test
    void aNewGitHubRemoteIsEncryptedByItsFirstPush(@TempDir Path tmp) throws Exception {
        Map<String, String> alice = user(tmp.resolve("alice-config"));
        try (FakeGitHub github = FakeGitHub.start("studio", "film", TOKEN)) {
            Path work = project(tmp, alice);
            forge(work, alice, "remote", "add", "origin", github.url()).ok();
            ForgeProcess.Result push = forge(work, alice, "push", "--json").ok();
            assertTrue(push.stderr().contains("encrypting "), push::describe);
            String commit = json(push).path("commit").asText();
            List<byte[]> secrets = secrets(work, commit);
            for (var e : github.files().entrySet()) assertNothingLeaks(e.getKey(), e.getValue(), secrets);
            for (String a : github.assets()) assertNothingLeaks(a, new byte[0], secrets);
            for (byte[] stored : github.storedBytes()) assertNothingLeaks("(an asset)", stored, secrets);
            assertTrue(
                    github.files().keySet().stream().noneMatch(k -> k.contains("refs/heads")),
                    github.files()::toString);

            forge(tmp, alice, "clone", github.url(), "mine").ok();
            assertEquals(Files.readString(work.resolve("notes.txt")), Files.readString(tmp.resolve("mine/notes.txt")));
            ForgeProcess.Result refused = forge(tmp, user(tmp.resolve("bob-config")), "clone", github.url(), "bobs")
                    .expect(13)
                    .oneLineError();
            assertFalse(Files.exists(tmp.resolve("bobs")), refused::describe);

            // v2 through push and pull, still encrypted.
            Files.writeString(work.resolve("notes.txt"), "v2\n");
            forge(work, alice, "add", ".").ok();
            forge(work, alice, "commit", "-m", "v2").ok();
            forge(work, alice, "push").ok();
            forge(tmp.resolve("mine"), alice, "pull").ok();
            assertEquals("v2\n", Files.readString(tmp.resolve("mine/notes.txt")));
        }
    }

    static byte[] age(Path dir, Path identity, Path file) throws Exception {
        Path out = dir.resolve("age.out");
        Process p = new ProcessBuilder(
                        "/usr/bin/age", "-d", "-i", identity.toString(), "-o", out.toString(), file.toString())
                .redirectErrorStream(true)
                .start();
        String msg = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), msg);
        byte[] b = Files.readAllBytes(out);
        Files.delete(out);
        return b;
    }

    static boolean contains(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
            return true;
        }
        return false;
    }
}
