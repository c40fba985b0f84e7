package dev.forge.mirror.age;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.forge.core.error.IntegrityException;
import dev.forge.core.error.KeyException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files made by the age command (Debian package "age", installed by .ci/run) open in Forge, and Forge's open
 * with the age command, for X25519 keys and passphrases. The age command reads a passphrase only from a
 * terminal, so the passphrase cases run it under script(1), which gives it a pseudo-terminal fed from our pipe.
 */
class AgeInteropTest {
    private static final String AGE = "/usr/bin/age";
    private static final String KEYGEN = "/usr/bin/age-keygen";

    @TempDir
    Path dir;

    @BeforeAll
    static void ageIsInstalled() {
        assertTrue(
                Files.isExecutable(Path.of(AGE)) && Files.isExecutable(Path.of(KEYGEN)),
                "the age command is missing: apt-get install age (.ci/run installs it)");
    }

    private static byte[] data(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    private record Result(int exit, String stderr) {}

    private Result run(byte[] stdin, String... cmd) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
        pb.redirectError(dir.resolve("stderr.txt").toFile());
        pb.redirectOutput(dir.resolve("stdout.txt").toFile());
        Process p = pb.start();
        try (var in = p.getOutputStream()) {
            in.write(stdin);
        } catch (IOException e) {
            // The command may exit before reading all of it.
        }
        int exit = p.waitFor();
        return new Result(exit, Files.readString(dir.resolve("stderr.txt")));
    }

    private X25519Identity keygen(Path keyFile) throws Exception {
        Result r = run(new byte[0], KEYGEN, "-o", keyFile.toString());
        assertEquals(0, r.exit(), r.stderr());
        return X25519Identity.parseFile(Files.readString(keyFile));
    }

    @Test
    void ageEncryptsToAKeyForgeDecrypts() throws Exception {
        Path key = dir.resolve("key.txt");
        X25519Identity id = keygen(key);
        String publicLine = Files.readAllLines(key).stream()
                .filter(l -> l.startsWith("# public key: "))
                .findFirst()
                .orElseThrow();
        assertEquals(
                publicLine.substring("# public key: ".length()), id.recipient().toString());
        for (int size : new int[] {0, 5, Age.CHUNK, 200_000}) {
            byte[] plain = data(size, size);
            Files.write(dir.resolve("plain"), plain);
            Path enc = dir.resolve("plain.age");
            Result r = run(new byte[0], AGE, "-r", id.recipient().toString(), "-o", enc.toString(), "plain");
            assertEquals(0, r.exit(), r.stderr());
            assertArrayEquals(plain, Age.decrypt(Files.readAllBytes(enc), List.of(id)), "size " + size);
        }
        byte[] enc = Files.readAllBytes(dir.resolve("plain.age"));
        assertThrows(KeyException.class, () -> Age.decrypt(enc, List.of(X25519Identity.generate())));
        byte[] tampered = enc.clone();
        tampered[tampered.length - 100] ^= 0x40;
        assertThrows(IntegrityException.class, () -> Age.decrypt(tampered, List.of(id)));
    }

    @Test
    void forgeEncryptsToAKeyAgeDecrypts() throws Exception {
        X25519Identity id = X25519Identity.generate();
        Path key = dir.resolve("forge-key.txt");
        Files.writeString(key, "# public key: " + id.recipient() + "\n" + id.encode() + "\n");
        X25519Identity other = X25519Identity.generate();
        for (int size : new int[] {0, 1, Age.CHUNK, Age.CHUNK + 1, 300_000}) {
            byte[] plain = data(size, 31L * size);
            Files.write(dir.resolve("f.age"), Age.encrypt(plain, List.of(other.recipient(), id.recipient())));
            // To stdout: age opens an -o file only when there is a byte to write.
            Result r = run(new byte[0], AGE, "-d", "-i", key.toString(), "f.age");
            assertEquals(0, r.exit(), r.stderr());
            assertArrayEquals(plain, Files.readAllBytes(dir.resolve("stdout.txt")), "size " + size);
        }
        // age refuses what Forge refuses: a changed payload byte.
        byte[] enc = Age.encrypt(data(1000, 3), List.of(id.recipient()));
        enc[enc.length - 30] ^= 1;
        Files.write(dir.resolve("bad.age"), enc);
        Result bad = run(new byte[0], AGE, "-d", "-i", key.toString(), "-o", "out2", "bad.age");
        assertNotEquals(0, bad.exit());
    }

    /** Runs the age command under script(1) so that it reads the passphrase lines from a pseudo-terminal. */
    private Result underTerminal(String passphraseLines, String... ageArgs) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(AGE));
        cmd.addAll(List.of(ageArgs));
        String command = String.join(" ", cmd);
        return run(passphraseLines.getBytes(StandardCharsets.UTF_8), "script", "-q", "-e", "-c", command, "/dev/null");
    }

    @Test
    void agePassphraseFileForgeDecrypts() throws Exception {
        byte[] plain = data(70_000, 9);
        Files.write(dir.resolve("plain"), plain);
        Result r = underTerminal("pass phrase 1\npass phrase 1\n", "-p", "-o", "p.age", "plain");
        assertEquals(0, r.exit(), r.stderr());
        byte[] enc = Files.readAllBytes(dir.resolve("p.age"));
        assertEquals(List.of("scrypt"), Age.stanzaTypes(enc));
        assertArrayEquals(plain, Age.decrypt(enc, List.of(new Passphrase("pass phrase 1"))));
        var wrong = assertThrows(KeyException.class, () -> Age.decrypt(enc, List.of(new Passphrase("pass phrase 2"))));
        assertTrue(wrong.getMessage().contains("wrong passphrase"), wrong.getMessage());
    }

    @Test
    void forgePassphraseFileAgeDecrypts() throws Exception {
        byte[] plain = data(100_000, 11);
        // Work factor 2^18, as the age command writes.
        Files.write(dir.resolve("p.age"), Age.encrypt(plain, List.of(new Passphrase("s3cret words"))));
        Result r = underTerminal("s3cret words\n", "-d", "-o", "out", "p.age");
        assertEquals(0, r.exit(), r.stderr());
        assertArrayEquals(plain, Files.readAllBytes(dir.resolve("out")));
        Result wrong = underTerminal("not it\n", "-d", "-o", "out3", "p.age");
        assertNotEquals(0, wrong.exit());
        assertTrue(!Files.exists(dir.resolve("out3")) || Files.size(dir.resolve("out3")) == 0);
    }
}
