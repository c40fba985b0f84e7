package dev.forge.mirror;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forge.core.error.IntegrityException;
import dev.forge.core.error.KeyException;
import dev.forge.core.repo.Repository;
import dev.forge.mirror.age.X25519Identity;
import dev.forge.mirror.crypt.KeySource;
import dev.forge.mirror.crypt.RemoteKeys;
import dev.forge.mirror.format.RemoteConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Push, clone and forge key against an encrypted folder remote, with real repositories: what the folder holds
 * reveals no content, chunk id, pack id, commit id or branch; a clone needs an identity that opens the key (exit
 * 13 and no folder otherwise); a flipped byte is an integrity error; a second member added with forge key add
 * clones with their own identity.
 */
class EncryptedRemoteTest {
    @org.junit.jupiter.api.io.TempDir
    Path tmp;

    final List<String> notices = new ArrayList<>();

    KeySource keys(String configDir) {
        return new KeySource(null, Map.of(), tmp.resolve(configDir), notices::add);
    }

    RemoteOptions options(KeySource k) {
        return RemoteOptions.defaults().withParallelism(4).withKeys(k, true);
    }

    Clone.Result cloneTo(String url, Path dir, KeySource k) {
        return new Clone(RemoteProtocolContract.STORES)
                .options(options(k))
                .run(url, dir.getParent(), dir, null, RemoteProtocolContract.P);
    }

    static List<Path> storedFiles(Path root) throws Exception {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).toList();
        }
    }

    @Test
    void pushAndCloneThroughAnEncryptedFolderLeakNothingAndNeedTheKey() throws Exception {
        Path remoteDir = tmp.resolve("remote");
        Path a = tmp.resolve("a");
        Files.createDirectories(a.resolve("shots/010"));
        byte[] plate = RemoteProtocolContract.random(1, 3_000_000);
        Files.write(a.resolve("shots/010/plate.bin"), plate);
        Files.writeString(a.resolve("notes-top-secret.txt"), "the butler did it\n".repeat(100));
        KeySource alice = keys("alice");
        String commitHex;
        List<String> packIds = new ArrayList<>();
        try (Repository repo = RemoteProtocolContract.init(a)) {
            commitHex = RemoteProtocolContract.commit(repo, "v1 secret message").hex();
            new Remotes(repo).addEncrypted("origin", remoteDir.toString(), a, List.of(), false);
            try (Remote r = new Remotes(repo).open("origin", options(alice))) {
                new Push(repo, r).packSize(1 << 20).run("main", "main", RemoteProtocolContract.P);
            }
            try (Stream<Path> s = Files.list(repo.forgeDir().resolve("remotes/origin/idx"))) {
                s.forEach(p -> packIds.add(p.getFileName().toString().replace(".idx", "")));
            }
            assertTrue(Files.exists(repo.forgeDir().resolve("remotes/origin/key.age")));
        }
        assertTrue(notices.stream().anyMatch(n -> n.startsWith("encrypting ")), notices::toString);
        assertTrue(packIds.size() >= 2, packIds::toString);

        RemoteConfig rc = RemoteConfig.parse(Files.readAllBytes(remoteDir.resolve("config")), "r");
        assertEquals(1, rc.encryption().epoch());
        assertTrue(rc.readerFeatures().contains("encryption")
                && rc.writerFeatures().contains("encryption"));
        List<byte[]> needles = new ArrayList<>();
        needles.add(Arrays.copyOfRange(plate, 2_000_000, 2_000_064));
        needles.add("butler".getBytes(StandardCharsets.US_ASCII));
        needles.add("secret".getBytes(StandardCharsets.US_ASCII));
        needles.add(commitHex.substring(0, 20).getBytes(StandardCharsets.US_ASCII));
        for (String id : packIds) needles.add(id.substring(0, 20).getBytes(StandardCharsets.US_ASCII));
        for (Path f : storedFiles(remoteDir)) {
            String rel = remoteDir.relativize(f).toString();
            assertFalse(rel.contains("heads") || rel.contains("main") && rel.startsWith("refs/main"), rel);
            for (String id : packIds) assertFalse(rel.contains(id.substring(0, 16)), rel);
            byte[] stored = Files.readAllBytes(f);
            for (byte[] n : needles) {
                assertFalse(contains(stored, n), rel + " holds " + new String(n, StandardCharsets.ISO_8859_1));
                assertFalse(rel.contains(new String(n, StandardCharsets.ISO_8859_1)), rel);
            }
        }

        // Alice clones (her identity opens the remote's key).
        Path b = tmp.resolve("b");
        cloneTo(remoteDir.toString(), b, alice);
        RemoteProtocolContract.assertSameFiles(a, b);
        assertTrue(Files.exists(b.resolve(".forge/remotes/origin/key.age")));

        // Bob has no key: exit 13 and no folder left behind.
        Path c = tmp.resolve("c");
        KeyException e = assertThrows(KeyException.class, () -> cloneTo(remoteDir.toString(), c, keys("bob")));
        assertTrue(e.getMessage().contains("no identity opens"), e.getMessage());
        assertFalse(Files.exists(c), "a failed clone leaves nothing behind");

        // Alice adds Bob's key; Bob clones with --identity.
        X25519Identity bob = X25519Identity.generate();
        Path bobFile = tmp.resolve("bob.key");
        Files.writeString(bobFile, bob.encode() + "\n");
        try (Repository repo = Repository.open(RemoteProtocolContract.STORES, a);
                Remote r = new Remotes(repo).open("origin", options(alice))) {
            assertTrue(RemoteKeys.addRecipient(r.rawStore(), r.encryptingStore(), r.repositoryKey(), bob.recipient()));
            assertEquals(
                    2,
                    RemoteKeys.members(r.encryptingStore(), r.repositoryKey())
                            .recipients()
                            .size());
        }
        cloneTo(remoteDir.toString(), c, keys("bob").withIdentityFile(bobFile));
        RemoteProtocolContract.assertSameFiles(a, c);

        // A flipped byte in a stored pack: integrity error, nothing written.
        Path biggest = storedFiles(remoteDir).stream()
                .filter(p -> p.toString().endsWith(".pack"))
                .max((x, y) -> Long.compare(x.toFile().length(), y.toFile().length()))
                .orElseThrow();
        byte[] bytes = Files.readAllBytes(biggest);
        bytes[bytes.length / 2] ^= 0x40;
        Files.write(biggest, bytes);
        Path d = tmp.resolve("d");
        assertThrows(IntegrityException.class, () -> cloneTo(remoteDir.toString(), d, alice));
        assertFalse(Files.exists(d));
    }

    @Test
    void aRemoteAddedWithPassphraseOpensWithFORGE_PASSPHRASEAloneAndNotWithAWrongOne() throws Exception {
        Path remoteDir = tmp.resolve("premote");
        Path a = Files.createDirectories(tmp.resolve("pa"));
        Files.writeString(a.resolve("x.txt"), "x\n");
        KeySource alice =
                new KeySource(null, Map.of("FORGE_PASSPHRASE", "correct horse"), tmp.resolve("alice"), notices::add);
        try (Repository repo = RemoteProtocolContract.init(a)) {
            RemoteProtocolContract.commit(repo, "x");
            new Remotes(repo).addEncrypted("origin", remoteDir.toString(), a, List.of(), true);
            try (Remote r = new Remotes(repo).open("origin", options(alice))) {
                new Push(repo, r).run("main", "main", RemoteProtocolContract.P);
            }
        }
        assertTrue(Files.exists(remoteDir.resolve("keys/1/passphrase.age")));
        assertTrue(notices.stream().anyMatch(n -> n.contains("FORGE_PASSPHRASE")), notices::toString);
        Path b = tmp.resolve("pb");
        cloneTo(
                remoteDir.toString(),
                b,
                new KeySource(null, Map.of("FORGE_PASSPHRASE", "correct horse"), tmp.resolve("bob"), s -> {}));
        assertEquals("x\n", Files.readString(b.resolve("x.txt")));
        Path c = tmp.resolve("pc");
        KeyException e = assertThrows(
                KeyException.class,
                () -> cloneTo(
                        remoteDir.toString(),
                        c,
                        new KeySource(null, Map.of("FORGE_PASSPHRASE", "wrong"), tmp.resolve("eve"), s -> {})));
        assertTrue(e.getMessage().contains("FORGE_PASSPHRASE does not open"), e.getMessage());
        assertFalse(Files.exists(c));
    }

    @Test
    void remoteGcDeletesADeadPackOfAnEncryptedRemote() throws Exception {
        Path remoteDir = tmp.resolve("gremote");
        Path a = Files.createDirectories(tmp.resolve("ga"));
        Files.write(a.resolve("keep.bin"), RemoteProtocolContract.random(1, 400_000));
        KeySource alice = keys("alice");
        java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong(1_800_000_000_000L);
        try (Repository repo = RemoteProtocolContract.init(a)) {
            var main = RemoteProtocolContract.commit(repo, "main");
            new Remotes(repo).addEncrypted("origin", remoteDir.toString(), a, List.of(), false);
            try (Remote r = new Remotes(repo).open("origin", options(alice))) {
                new Push(repo, r).packSize(1 << 20).run("main", "main", RemoteProtocolContract.P);
            }
            Files.write(a.resolve("render.bin"), RemoteProtocolContract.random(2, 2_500_000));
            var big = RemoteProtocolContract.commit(repo, "a big render");
            repo.begin("test").setRef("refs/heads/render", big).commit();
            try (Remote r = new Remotes(repo).open("origin", options(alice))) {
                new Push(repo, r).packSize(1 << 20).run("render", "render", RemoteProtocolContract.P);
            }
            repo.begin("test").setRef("refs/heads/main", main).commit();
            try (Remote r = new Remotes(repo).open("origin", options(alice))) {
                new Push(repo, r).deleteBranch("render");
            }
            try (Remote r = new Remotes(repo).open("origin", options(alice))) {
                RemoteGc.Result first = new RemoteGc(repo, r)
                        .clock(now::get)
                        .run(java.time.Duration.ZERO, false, RemoteProtocolContract.P);
                assertTrue(first.packsPending() >= 1, first.toString());
            }
            now.addAndGet(1000);
            try (Remote r = new Remotes(repo).open("origin", options(alice))) {
                RemoteGc.Result due = new RemoteGc(repo, r)
                        .clock(now::get)
                        .run(java.time.Duration.ZERO, false, RemoteProtocolContract.P);
                assertTrue(due.bytesDeleted() > 2_400_000, due.toString());
            }
        }
        // Nothing stored under a plaintext name but the config and the wrapped key.
        for (Path f : storedFiles(remoteDir)) {
            String rel = remoteDir.relativize(f).toString();
            assertFalse(rel.startsWith("gc/pending") || rel.startsWith("gc/lock") || rel.startsWith("gc/pushes"), rel);
        }
        Files.delete(a.resolve("render.bin"));
        Path b = tmp.resolve("gb");
        cloneTo(remoteDir.toString(), b, alice);
        RemoteProtocolContract.assertSameFiles(a, b);
    }

    @Test
    void anEncryptedFolderServedOverPlainHttpClones() throws Exception {
        Path site = tmp.resolve("site");
        Path folder = site.resolve("enc");
        Path a = Files.createDirectories(tmp.resolve("ha"));
        Files.write(a.resolve("plate.bin"), RemoteProtocolContract.random(4, 900_000));
        KeySource alice = keys("alice");
        try (Repository repo = RemoteProtocolContract.init(a)) {
            RemoteProtocolContract.commit(repo, "v1");
            new Remotes(repo).addEncrypted("origin", folder.toString(), a, List.of(), false);
            try (Remote r = new Remotes(repo).open("origin", options(alice))) {
                new Push(repo, r).packSize(1 << 20).run("main", "main", RemoteProtocolContract.P);
            }
        }
        try (dev.forge.mirror.http.StaticHttpServer server = dev.forge.mirror.http.StaticHttpServer.jdk(site)) {
            Path b = tmp.resolve("hb");
            cloneTo(server.url("enc"), b, alice);
            RemoteProtocolContract.assertSameFiles(a, b);
            Path c = tmp.resolve("hc");
            assertThrows(KeyException.class, () -> cloneTo(server.url("enc"), c, keys("bob")));
            assertFalse(Files.exists(c));
        }
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
